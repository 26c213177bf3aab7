package io.coordkit.testing.actor;

import io.coordkit.testing.LocalProcess;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The parent's handle on an {@link ActorMain} in a child JVM: sends commands, waits for their answers and for
 * events, and crashes ({@link #kill()}) or freezes ({@link #freeze()}) the actor. The child runs with this JVM's
 * class path, so the backend under test must be on it.
 *
 * <pre>{@code
 * try (Actor a = Actor.start("holder")) {
 *     a.connect(fixture.uri(namespace));
 *     long token = a.lock("orders", Duration.ofSeconds(5));
 *     a.kill();                       // the lock must be freed within TTL + B
 * }
 * }</pre>
 */
public final class Actor implements AutoCloseable {

    private static final Duration DEFAULT_ANSWER_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final LocalProcess process;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final List<TimedLine> events = new ArrayList<>();
    private final Thread reader;
    /** Sequence number of the last request sent; answers carry it, so a late answer is never taken for another. */
    private long sequence;

    private Actor(String name, LocalProcess process) {
        this.name = name;
        this.process = process;
        BufferedReader in = new BufferedReader(new InputStreamReader(process.stdout(), StandardCharsets.UTF_8));
        this.reader = new Thread(() -> readLoop(in), "coordkit-tck-actor-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts an actor JVM and waits until it is ready.
     *
     * @param name a short name for messages and the log file
     * @return the actor
     * @throws IllegalStateException if it does not become ready within 30 s
     */
    public static Actor start(String name) {
        LocalProcess p = LocalProcess.builder("actor-" + name).interactive()
                .javaMain(List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-Djava.net.preferIPv4Stack=true"), ActorMain.class.getName())
                .start();
        Actor actor = new Actor(name, p);
        try {
            String first = actor.answers.poll(30, TimeUnit.SECONDS);
            if (!"ready".equals(first)) {
                throw new IllegalStateException("actor " + name + " did not start (first line: " + first + ")\n"
                        + p.logTail(30));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            actor.close();
            throw new IllegalStateException("interrupted while starting actor " + name, e);
        } catch (RuntimeException e) {
            actor.close();
            throw e;
        }
        return actor;
    }

    /** @return the actor's name */
    public String name() {
        return name;
    }

    /** @return the actor's process */
    public LocalProcess process() {
        return process;
    }

    /**
     * @param uri the URI to connect to
     * @return the session state reported after connecting
     */
    public String connect(String uri) {
        return request("connect " + uri).get(0);
    }

    /**
     * @param lockName the lock
     * @param timeout  how long to wait
     * @return the lease's fencing token
     */
    public long lock(String lockName, Duration timeout) {
        return Long.parseLong(request("lock " + lockName + " " + timeout.toMillis(), timeout.plus(DEFAULT_ANSWER_TIMEOUT))
                .get(1));
    }

    /**
     * @param lockName the lock
     * @return the lease's state name (HELD, SUSPENDED, LOST, RELEASED)
     */
    public String leaseState(String lockName) {
        return request("lease " + lockName).get(1);
    }

    /**
     * Asks the actor for the write it would send to a fenced resource now: the payload with its lease's token,
     * without checking that the lease is still valid (what a slow client with an in-flight write does).
     *
     * @param lockName the lock
     * @param payload  the payload, without spaces
     * @return the token the actor writes with
     */
    public long writeToken(String lockName, String payload) {
        return Long.parseLong(request("write " + lockName + " " + payload).get(1));
    }

    /** @param lockName the lock to release */
    public void release(String lockName) {
        request("release " + lockName);
    }

    /**
     * @param election    the election
     * @param candidateId the candidate id
     */
    public void elect(String election, String candidateId) {
        request("elect " + election + " " + candidateId);
    }

    /**
     * @param election the election
     * @param timeout  how long to wait
     * @return the term of the first {@code elected} event of that election
     */
    public long awaitElected(String election, Duration timeout) {
        String e = awaitEvent(l -> l.startsWith("elected " + election + " "), timeout)
                .orElseThrow(() -> new IllegalStateException("actor " + name + " was not elected in " + election
                        + " within " + timeout + "; events: " + events()));
        return Long.parseLong(e.substring(e.lastIndexOf(' ') + 1));
    }

    /** @param election the election to resign from */
    public void resign(String election) {
        request("resign " + election);
    }

    /**
     * @param service the service
     * @param id      the instance id
     * @param address the address
     */
    public void register(String service, String id, String address) {
        request("register " + service + " " + id + " " + address);
    }

    /**
     * @param key   a config key
     * @param value a value without spaces
     * @return the new version
     */
    public long put(String key, String value) {
        return Long.parseLong(request("put " + key + " " + value).get(1));
    }

    /** @return the session state the actor sees */
    public String ping() {
        return request("ping").get(0);
    }

    /**
     * Sends a command and waits for its answer.
     *
     * @param command the command line
     * @return the words of the {@code ok} answer after the command's name
     * @throws ActorException if the actor answered {@code err}
     */
    public List<String> request(String command) {
        return request(command, DEFAULT_ANSWER_TIMEOUT);
    }

    /**
     * Sends a command and waits for its answer.
     *
     * @param command the command line
     * @param timeout how long to wait for the answer
     * @return the words of the {@code ok} answer after the command's name
     * @throws ActorException if the actor answered {@code err} or not at all
     */
    public synchronized List<String> request(String command, Duration timeout) {
        long seq = ++sequence;
        long deadline = System.nanoTime() + timeout.toNanos();
        String answer = null;
        try {
            OutputStream in = process.stdin();
            in.write((seq + " " + command + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            while (answer == null) {
                long left = deadline - System.nanoTime();
                String line = left <= 0 ? null : answers.poll(left, TimeUnit.NANOSECONDS);
                if (line == null) {
                    break;
                }
                int space = line.indexOf(' ');
                long tagged = parseSequence(space < 0 ? line : line.substring(0, space));
                if (tagged == seq) {
                    answer = line.substring(space + 1);
                } else if (tagged < 0 || tagged > seq) {
                    throw new ActorException("actor " + name + " answered '" + command + "' with: " + line);
                }
                // else: the late answer of an earlier request that timed out; dropped
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send '" + command + "' to actor " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ActorException("interrupted while waiting for actor " + name + " to answer '" + command + "'");
        }
        if (answer == null) {
            throw new ActorException("actor " + name + " did not answer '" + command + "' within " + timeout
                    + (process.isAlive() ? "" : " (it exited)") + "\n" + process.logTail(20));
        }
        String[] words = answer.split(" ", -1);
        if (words[0].equals("err")) {
            throw new ActorException("actor " + name + ": '" + command + "' failed: " + answer.substring(4));
        }
        if (!words[0].equals("ok") || words.length < 2) {
            throw new ActorException("actor " + name + " answered '" + command + "' with: " + answer);
        }
        return List.of(words).subList(2, words.length);
    }

    /**
     * Waits for an event line (without its {@code event } prefix) that matches, among all events since the start.
     *
     * @param matcher what to wait for
     * @param timeout how long to wait
     * @return the first matching event, or empty
     */
    public Optional<String> awaitEvent(Predicate<String> matcher, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (true) {
                for (TimedLine e : events) {
                    if (matcher.test(e.line)) {
                        return Optional.of(e.line);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(events, left);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
        }
    }

    /** @return every event so far, without the {@code event } prefix */
    public List<String> events() {
        synchronized (events) {
            List<String> copy = new ArrayList<>();
            for (TimedLine e : events) {
                copy.add(e.line);
            }
            return copy;
        }
    }

    /** Crashes the actor with {@code kill -9}. */
    public void kill() {
        process.kill();
    }

    /** Freezes the actor with SIGSTOP. */
    public void freeze() {
        process.freeze();
    }

    /** Resumes a frozen actor with SIGCONT. */
    public void thaw() {
        process.thaw();
    }

    /** Kills the actor if it still runs. Idempotent. */
    @Override
    public void close() {
        process.kill();
        process.close();
    }

    @Override
    public String toString() {
        return "Actor[" + name + ", " + process + "]";
    }

    private static long parseSequence(String word) {
        try {
            return Long.parseLong(word);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void readLoop(BufferedReader in) {
        try {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("event ")) {
                    synchronized (events) {
                        events.add(new TimedLine(System.nanoTime(), line.substring(6)));
                        events.notifyAll();
                    }
                } else {
                    answers.add(line);
                }
            }
        } catch (IOException e) {
            // the actor is gone
        }
    }

    private static final class TimedLine {
        final long nanos;
        final String line;

        TimedLine(long nanos, String line) {
            this.nanos = nanos;
            this.line = line;
        }
    }

    /** The actor refused a command or did not answer. */
    public static final class ActorException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ActorException(String message) {
            super(message);
        }
    }
}
