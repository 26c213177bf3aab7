package io.coordkit.testing.fault;

import io.coordkit.testing.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class TcpProxyTest {

    private ServerSocket echoServer;
    private ExecutorService echoThreads;
    private TcpProxy proxy;

    @BeforeEach
    void startEchoServerAndProxy() throws IOException {
        echoServer = new ServerSocket(0, 50, FreePorts.loopback());
        echoThreads = Executors.newCachedThreadPool();
        echoThreads.execute(() -> {
            while (!echoServer.isClosed()) {
                try {
                    Socket s = echoServer.accept();
                    echoThreads.execute(() -> {
                        try (s) {
                            s.getInputStream().transferTo(s.getOutputStream());
                        } catch (IOException ignored) {
                            // connection ended
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        proxy = TcpProxy.start(new InetSocketAddress(FreePorts.loopback(), echoServer.getLocalPort()));
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echoServer.close();
        echoThreads.shutdownNow();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(proxy.address(), 2000);
        s.setSoTimeout(2000);
        return s;
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
        byte[] buf = new byte[text.length()];
        InputStream in = s.getInputStream();
        int read = 0;
        while (read < buf.length) {
            int n = in.read(buf, read, buf.length - read);
            if (n < 0) {
                throw new IOException("closed after " + read + " bytes");
            }
            read += n;
        }
        return new String(buf, StandardCharsets.UTF_8);
    }

    @Test
    void forwardsBothWays() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "hello")).isEqualTo("hello");
            assertThat(roundTrip(s, "again")).isEqualTo("again");
        }
        assertThat(proxy.acceptedConnections()).isEqualTo(1);
    }

    @Test
    void cutClosesOpenConnectionsAndRefusesNewOnesUntilRestored() throws IOException {
        Socket s = connect();
        assertThat(roundTrip(s, "x")).isEqualTo("x");
        proxy.cut();
        assertThat(proxy.mode()).isEqualTo(TcpProxy.Mode.CUT);
        assertThatThrownBy(() -> roundTrip(s, "y")).isInstanceOf(IOException.class);
        s.close();
        try (Socket refused = connect()) {
            assertThatThrownBy(() -> roundTrip(refused, "z")).isInstanceOf(IOException.class);
        }
        proxy.restore();
        try (Socket again = connect()) {
            assertThat(roundTrip(again, "back")).isEqualTo("back");
        }
    }

    @Test
    void blackholeDropsTrafficButKeepsTheConnectionThenRestoreClosesIt() throws IOException {
        Socket s = connect();
        assertThat(roundTrip(s, "x")).isEqualTo("x");
        proxy.blackhole();
        s.setSoTimeout(500);
        assertThatThrownBy(() -> roundTrip(s, "lost")).isInstanceOf(SocketTimeoutException.class);
        assertThat(proxy.openConnections()).isEqualTo(1);
        proxy.restore();
        s.setSoTimeout(2000);
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.openConnections() == 0);
        assertThat(s.getInputStream().read()).isEqualTo(-1);
        s.close();
        try (Socket again = connect()) {
            assertThat(roundTrip(again, "back")).isEqualTo("back");
        }
    }

    @Test
    void delayHoldsBytesBackEachWayWithoutLosingThemUntilRestored() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "x")).isEqualTo("x");
            proxy.delay(Duration.ofMillis(300));
            long start = System.nanoTime();
            assertThat(roundTrip(s, "slow")).isEqualTo("slow");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
            proxy.restore();
            start = System.nanoTime();
            assertThat(roundTrip(s, "fast")).isEqualTo("fast");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(600));
        }
    }

    @Test
    void closeStopsListening() throws Exception {
        InetSocketAddress address = proxy.address();
        proxy.close();
        // Binding the port again at once proves the proxy let it go (probing with a connect could reach
        // another process that took the freed port meanwhile).
        try (java.net.ServerSocket again = new java.net.ServerSocket()) {
            again.setReuseAddress(true);
            again.bind(address);
            assertThat(again.getLocalPort()).isEqualTo(address.getPort());
        }
    }
}
