package testbed.bartender;

import java.util.Comparator;

/** Ranks candidates; the bartender starts the smallest. A closed set so the benchmark can compare them by name. */
public enum SchedulingPolicy implements Comparator<Candidate> {

    /**
     * Priority; then keep an item away from a tentacle where it hit an infrastructure error; then the kind with the
     * most open work per tentacle (it will end the session last, so it gets a free reference first); then firmware
     * affinity (run what the tentacle carries before reflashing, and spread variants over identical tentacles);
     * then multi-board tests while a reference is free (a single-board test can run any time, a multi-board test
     * only while the shared reference pool has room), with a reference that carries its firmware first; when a
     * flash is needed anyway, the default variant first;
     * then longest first, so the long runs do not end up last. In a time-boxed session whose remaining time no longer
     * holds a kind's open work, that kind's items go shortest first, right after priority.
     */
    TESTBED {
        @Override
        public int compare(Candidate a, Candidate b) {
            int c = Integer.compare(b.item().spec().priority(), a.item().spec().priority());
            if (c != 0) return c;
            c = Boolean.compare(a.avoided(), b.avoided());
            if (c != 0) return c;
            if (a.shortestFirst() && b.shortestFirst()) {
                // Near a deadline that not all the work can meet: more finished items beat one long one.
                c = Long.compare(a.estimatedMillis(), b.estimatedMillis());
                if (c != 0) return c;
            }
            c = Long.compare(b.kindLoadMillis(), a.kindLoadMillis());
            if (c != 0) return c;
            c = Integer.compare(a.affinity(), b.affinity());
            if (c != 0) return c;
            c = Boolean.compare(a.reference() == null, b.reference() == null);
            if (c != 0) return c;
            c = Boolean.compare(a.referenceNeedsFlash(), b.referenceNeedsFlash());
            if (c != 0) return c;
            if (a.affinity() > 0) {
                c = Boolean.compare(!a.item().variant().isEmpty(), !b.item().variant().isEmpty());
                if (c != 0) return c;
            }
            c = Long.compare(b.estimatedMillis(), a.estimatedMillis());
            if (c != 0) return c;
            return tieBreak(a, b);
        }
    },

    /**
     * The anchor's rule (testbed_micropython): priority, then boards with more variants, then firmware already
     * flashed, then the testid string. No durations.
     */
    ANCHOR {
        @Override
        public int compare(Candidate a, Candidate b) {
            int c = Integer.compare(b.item().spec().priority(), a.item().spec().priority());
            if (c != 0) return c;
            c = Integer.compare(b.dut().variants().size(), a.dut().variants().size());
            if (c != 0) return c;
            c = Boolean.compare(a.dutNeedsFlash(), b.dutNeedsFlash());
            if (c != 0) return c;
            return a.testid().compareTo(b.testid());
        }
    };

    /** Deterministic order without building testid strings: label, DUT serial, variant, role. */
    static int tieBreak(Candidate a, Candidate b) {
        int c = a.item().spec().label().compareTo(b.item().spec().label());
        if (c != 0) return c;
        c = a.dut().serial().compareTo(b.dut().serial());
        if (c != 0) return c;
        c = a.item().variant().compareTo(b.item().variant());
        if (c != 0) return c;
        return a.item().role().compareTo(b.item().role());
    }
}
