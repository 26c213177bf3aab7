package io.coordkit.testing.redis;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SentinelRoutesTest {

    private static final Map<Integer, InetSocketAddress> ROUTES =
            Map.of(37221, new InetSocketAddress("127.0.0.1", 40001));

    private static String rewritten(String reply) throws IOException {
        InputStream in = new ByteArrayInputStream(reply.getBytes(StandardCharsets.UTF_8));
        String out = new String(SentinelRoutes.rewrite(in, ROUTES).raw(), StandardCharsets.UTF_8);
        assertThat(in.read()).as("exactly one value read").isEqualTo(-1);
        return out;
    }

    @Test
    void theMastersAddressBecomesItsRoute() throws IOException {
        assertThat(rewritten("*2\r\n$10\r\n172.17.0.4\r\n$5\r\n37221\r\n"))
                .isEqualTo("*2\r\n$9\r\n127.0.0.1\r\n$5\r\n40001\r\n");
    }

    @Test
    void anAddressWithoutRouteAndEveryOtherReplyPassUnchanged() throws IOException {
        for (String reply : new String[] {
                "*2\r\n$10\r\n172.17.0.4\r\n$5\r\n11111\r\n",          // a port with no route
                "*2\r\n$4\r\nname\r\n$8\r\ncoordkit\r\n",             // two strings, the second no port
                "*2\r\n:1\r\n:37221\r\n",                             // integers, not strings
                "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\n37221\r\n", // three elements
                "+OK\r\n", "-ERR unknown command\r\n", ":42\r\n", "$-1\r\n", "*-1\r\n", "*0\r\n",
                "$5\r\nhe\r\nx\r\n"}) {                               // a bulk string holding CR LF
            assertThat(rewritten(reply)).as(reply).isEqualTo(reply);
        }
    }

    @Test
    void pairsInsideNestedArraysAreRoutedToo() throws IOException {
        assertThat(rewritten("*2\r\n*2\r\n$10\r\n172.17.0.4\r\n$5\r\n37221\r\n$2\r\nok\r\n"))
                .isEqualTo("*2\r\n*2\r\n$9\r\n127.0.0.1\r\n$5\r\n40001\r\n$2\r\nok\r\n");
    }

    @Test
    void aTruncatedOrForeignReplyIsAnError() {
        assertThatThrownBy(() -> rewritten("*2\r\n$10\r\n172.17")).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> rewritten("%1\r\n+a\r\n+b\r\n")).isInstanceOf(IOException.class)
                .hasMessageContaining("not a RESP2 reply");
    }
}
