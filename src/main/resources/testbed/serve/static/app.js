// testbed serve: the lab and the running session update themselves from /events (server-sent events).
(function () {
  const page = document.body.dataset.page;
  if (page !== 'lab' && page !== 'sessions' && page !== 'session') return;
  const live = document.getElementById('live-state');
  const events = new EventSource('/events');
  events.onopen = () => { if (live) live.textContent = 'connected'; };
  events.onerror = () => { if (live) live.textContent = 'reconnecting…'; };
  events.addEventListener('lab', e => {
    for (const r of JSON.parse(e.data)) {
      const tr = document.getElementById('t-' + r.serial);
      if (!tr) continue;
      tr.className = r.state;
      tr.querySelector('.badge').textContent = r.state;
      const detail = tr.querySelector('.detail');
      detail.textContent = '';
      if (r.link) {
        const a = document.createElement('a');
        a.href = r.link;
        a.textContent = r.detail;
        detail.appendChild(a);
      } else {
        detail.textContent = r.detail;
      }
      tr.querySelector('.since').textContent = r.since;
      tr.querySelector('.firmware').textContent = r.firmware;
      tr.querySelector('.record').textContent = r.record;
    }
    if (live) live.textContent = 'updated ' + new Date().toLocaleTimeString();
  });
  events.addEventListener('progress', e => {
    const all = JSON.parse(e.data);
    document.querySelectorAll('[data-gantt]').forEach(div => {
      const p = all[div.dataset.gantt];
      if (p === undefined) return;
      fetch('/fragment/gantt?path=' + encodeURIComponent(div.dataset.gantt)).then(r => r.text()).then(svg => { div.innerHTML = svg; });
      const text = div.parentElement.querySelector('.progress') || document.getElementById('progress');
      if (text) text.textContent = p;
    });
  });
})();
