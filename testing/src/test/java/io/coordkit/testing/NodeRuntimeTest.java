package io.coordkit.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The runtime is a setting: what it accepts, and what it says about a wrong one before anything starts. */
class NodeRuntimeTest {

    @AfterEach
    void clear() {
        System.clearProperty(NodeRuntime.RUNTIME_PROPERTY);
        System.clearProperty(NodeRuntime.IMAGE_PROPERTY);
    }

    @Test
    void processesUnlessTheSettingSaysContainers() {
        if (System.getenv(NodeRuntime.RUNTIME_ENV) == null) {
            assertThat(NodeRuntime.fromSettings().isContainer()).isFalse();
        }
        System.setProperty(NodeRuntime.RUNTIME_PROPERTY, "container");
        NodeRuntime r = NodeRuntime.fromSettings();
        assertThat(r.isContainer()).isTrue();
        assertThat(r.supportsPartitions()).isTrue();
        System.setProperty(NodeRuntime.IMAGE_PROPERTY, "zookeeper:3.9");
        assertThat(NodeRuntime.fromSettings().image()).contains("zookeeper:3.9");
        System.setProperty(NodeRuntime.RUNTIME_PROPERTY, "Process");
        assertThat(NodeRuntime.fromSettings().supportsPartitions()).isFalse();
    }

    @Test
    void aWrongSettingNamesTheSettingAndTheValue() {
        System.setProperty(NodeRuntime.RUNTIME_PROPERTY, "vm");
        assertThatThrownBy(NodeRuntime::fromSettings).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(NodeRuntime.RUNTIME_PROPERTY).hasMessageContaining("'vm'");
        assertThatThrownBy(() -> NodeRuntime.containers(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(NodeRuntime.IMAGE_PROPERTY);
    }

    @Test
    void theHostImageIsATarOfDirectoriesAndLinksOnly() {
        byte[] tar = HostImage.rootFileSystem();
        assertThat(tar.length % 512).isZero();
        String names = new String(tar, java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(names).contains("usr/", "etc/", "tmp/", "usr/bin", "ustar");
        // ten headers and two zero blocks: no file content at all
        assertThat(tar.length).isEqualTo(12 * 512);
    }
}
