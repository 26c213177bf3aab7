package io.coordkit.tck;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TckUrisTest {

    @Test
    void splitsAndRebuildsAUri() {
        TckUris u = TckUris.parse("zookeeper://u:p@127.0.0.1:1,127.0.0.1:2/a/b?sessionTtl=3s&x=1");
        assertThat(u.scheme()).isEqualTo("zookeeper");
        assertThat(u.userInfo()).isEqualTo("u:p");
        assertThat(u.hosts()).isEqualTo("127.0.0.1:1,127.0.0.1:2");
        assertThat(u.namespace()).isEqualTo("a/b");
        assertThat(u.options()).containsEntry("sessionTtl", "3s").containsEntry("x", "1");
        assertThat(u.toString()).isEqualTo("zookeeper://u:p@127.0.0.1:1,127.0.0.1:2/a/b?sessionTtl=3s&x=1");
        assertThat(u.withNamespace("").withoutOption("x").withUserInfo("").toString())
                .isEqualTo("zookeeper://127.0.0.1:1,127.0.0.1:2?sessionTtl=3s");
        assertThat(u.toStringWithRawQuery("a=1&a=2")).endsWith("?sessionTtl=3s&x=1&a=1&a=2");
        assertThat(TckUris.parse("embedded:///ns").hosts()).isEmpty();
    }
}
