package io.coordkit.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script run atomically on the Redis master. Every script starts with {@link Scripts#PRELUDE}: {@code ARGV[1]}
 * is the namespace's key base and {@code ARGV[2]} the request's deadline in the server's milliseconds (0: none);
 * a script that writes refuses to run after its deadline, so a request the caller already gave up on (it sat in a
 * frozen server's socket buffer, for example) is never carried out late.
 *
 * @param name   for messages
 * @param source the Lua source, prelude included
 * @param sha    its SHA-1, for EVALSHA
 */
record Script(String name, String source, String sha) {

    static Script of(String name, String body) {
        String source = Scripts.PRELUDE + body;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            return new Script(name, source, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }
}
