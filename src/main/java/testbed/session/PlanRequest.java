package testbed.session;

import testbed.bartender.BartenderConfig;
import testbed.selection.SelectionRequest;

/**
 * What {@code testbed run --dry-run} plans: a lab, a selection and the scheduling settings.
 *
 * @param probe connect the lab and ask each board what it runs (else: what the lab driver stored, then the history);
 *     a flash takes as long as the tentacle's programmer does
 */
public record PlanRequest(String lab, SelectionRequest selection, BartenderConfig config, boolean probe) {}
