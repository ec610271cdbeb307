package org.lcrec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code lcrec --version} and every subcommand's {@code -V} print the project version. From a jar
 * it comes from the manifest's {@code Implementation-Version}; here, running from {@code
 * target/classes}, from the Maven-filtered {@code version.properties}. Surefire passes the version
 * Maven knows ({@code lcrec.expectedVersion}, lcrec-cli/pom.xml).
 */
class VersionTest {
    private static String expected() {
        String v = System.getProperty("lcrec.expectedVersion");
        assertThat(v).as("lcrec.expectedVersion, set by surefire").isNotBlank();
        return v;
    }

    @Test
    void topCommandPrintsTheProjectVersion() {
        CliTesting.Run r = CliTesting.run("--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("lcrec " + expected() + System.lineSeparator());
        assertThat(Lcrec.version()).isEqualTo(expected());
    }

    @Test
    void everySubcommandPrintsItToo() {
        for (String sub : new String[] {"stats", "evaluate", "train", "reproduce", "compare"}) {
            CliTesting.Run r = CliTesting.run(sub, "-V");
            assertThat(r.code()).as(sub).isZero();
            assertThat(r.out()).as(sub).startsWith("lcrec " + expected());
        }
    }
}
