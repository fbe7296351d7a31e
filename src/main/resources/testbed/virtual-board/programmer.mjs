// The virtual programmer: flashes a virtual tentacle the way picotool flashes a Pico in BOOTSEL mode. It writes the
// image into the board's flash store; the host then power-cycles the board, which boots whatever is in the store.
//
// usage: node programmer.mjs --store DIR IMAGE
import fs from "node:fs";
import path from "node:path";

const argv = process.argv.slice(2);
const store = argv[argv.indexOf("--store") + 1];
const image = argv[argv.length - 1];
if (!store || !image || argv.indexOf("--store") < 0) {
  console.error("usage: node programmer.mjs --store DIR IMAGE");
  process.exit(2);
}
if (!fs.existsSync(path.join(store, "bootmode"))) {
  console.error("ERROR: No accessible device in boot mode was found.");
  process.exit(1);
}
// Injected fault: the first N attempts fail, as a flaky USB connection or a board that misses boot mode does.
const failures = path.join(store, "flash_failures_left");
if (fs.existsSync(failures)) {
  const left = parseInt(fs.readFileSync(failures, "utf8"), 10) || 0;
  if (left > 0) {
    fs.writeFileSync(failures, String(left - 1));
    console.error("ERROR: The device was lost during the transfer (injected fault, " + (left - 1) + " more).");
    process.exit(1);
  }
}
let data;
try {
  data = fs.readFileSync(image);
} catch (e) {
  console.error(`ERROR: cannot read ${image}: ${e.message}`);
  process.exit(1);
}
console.log(`Loading into Flash: ${data.length} bytes from ${path.basename(image)}`);
const tmp = path.join(store, "flash.img.tmp");
fs.writeFileSync(tmp, data);
fs.renameSync(tmp, path.join(store, "flash.img"));
console.log("Loading into Flash: [==============================]  100%");
console.log("The device was rebooted into application mode.");
