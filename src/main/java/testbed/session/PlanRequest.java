package testbed.session;

import java.time.Duration;
import testbed.bartender.BartenderConfig;
import testbed.selection.SelectionRequest;

/**
 * What {@code testbed run --dry-run} plans: a lab, a selection and the scheduling settings.
 *
 * @param probe connect the lab and ask each board what it runs (else: what the lab driver stored, then the history)
 */
public record PlanRequest(String lab, SelectionRequest selection, BartenderConfig config, Duration flashEstimate, boolean probe) {

    public static final Duration DEFAULT_FLASH_ESTIMATE = Duration.ofSeconds(30);
}
