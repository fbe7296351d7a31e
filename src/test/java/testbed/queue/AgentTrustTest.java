package testbed.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import testbed.model.LabException;

/** An agent takes data, never commands, from the database: what a session's settings may ask of it. */
class AgentTrustTest {

    private static Wire.SessionSettings session(String origin, Map<String, String> commands) {
        return new Wire.SessionSettings("s1", 1, false, false, origin, null, null, true, null, commands);
    }

    @Test
    void aCommandRunsOnlyOnAnAgentStartedWithAllowCommands() {
        Wire.SessionSettings s = session(null, Map.of("BUILTIN-TESTS_BASICS", "sh -c id"));
        assertThatThrownBy(() -> AgentTrust.STRICT.check(s, "agent-a")).isInstanceOf(LabException.class)
                .hasMessage("session s1 replaces the runner of BUILTIN-TESTS_BASICS with a command; agent agent-a runs commands only when started "
                        + "with --allow-commands: refused");
        new AgentTrust(true, List.of()).check(s, "agent-a");
        AgentTrust.STRICT.check(session(null, Map.of()), "agent-a"); // no command, no source: nothing to allow
    }

    @Test
    void aSourceMustBeOnTheAgentsOwnAllowList() {
        AgentTrust trust = new AgentTrust(false, List.of("https://github.com/micropython/micropython.git", "/srv/micropython"));
        assertThat(trust.allows("https://github.com/micropython/micropython@v1.28.0")).isTrue();
        assertThat(trust.allows("https://github.com/micropython/micropython/@pull/123/head")).isTrue();
        assertThat(trust.allows("/srv/micropython/v1.28.0.tar.xz")).isTrue();
        assertThat(trust.allows("/srv/micropython")).isTrue();
        assertThat(trust.allows("https://github.com/attacker/micropython@main")).isFalse();
        assertThat(trust.allows("/srv/micropython/../../etc")).as("'..' is resolved first").isFalse();
        assertThat(trust.allows("/srv/micropython-evil/x.tar.xz")).as("a sibling folder sharing the prefix").isFalse();
        assertThat(trust.allows("--upload-pack=sh -c id@host:repo")).isFalse();
        assertThatThrownBy(() -> AgentTrust.STRICT.check(session("/srv/micropython", Map.of()), "agent-a")).isInstanceOf(LabException.class)
                .hasMessageContaining("asks for MicroPython source '/srv/micropython', which is not in agent agent-a's --allow-source list []: refused");
    }
}
