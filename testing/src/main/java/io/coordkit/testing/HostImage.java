package io.coordkit.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The image {@link NodeRuntime#DEFAULT_IMAGE}, made locally in well under a second when the daemon lacks it (a
 * {@code FROM scratch} build that adds one archive, the equivalent of {@code docker import}): a root file system holding only empty {@code tmp usr etc proc sys dev} and the links
 * {@code bin lib lib64 sbin -> usr/...}. Containers of it run the host's own programs, with {@code /usr} and
 * {@code /etc} bind-mounted read-only, so no registry is ever needed.
 */
final class HostImage {

    private HostImage() {
    }

    static synchronized void ensure(DockerClient docker, String image) {
        try {
            docker.inspectImageCmd(image).exec();
            return;
        } catch (NotFoundException e) {
            // make it, or let Testcontainers pull it
        }
        if (!image.equals(NodeRuntime.DEFAULT_IMAGE)) {
            return; // an engine's official image, say: Testcontainers pulls it where a registry is reachable
        }
        // "FROM scratch" needs no registry; ADD unpacks the root file system. (Importing the archive directly,
        // as `docker import` does, is not streamed correctly by every Docker client transport.)
        byte[] dockerfile = "FROM scratch\nADD rootfs.tar /\n".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream context = new ByteArrayOutputStream();
        file(context, "Dockerfile", dockerfile);
        file(context, "rootfs.tar", rootFileSystem());
        context.writeBytes(new byte[1024]);
        docker.buildImageCmd(new ByteArrayInputStream(context.toByteArray())).withTags(Set.of(image))
                .exec(new BuildImageResultCallback()).awaitImageId();
    }

    private static void file(ByteArrayOutputStream tar, String name, byte[] content) {
        tar.writeBytes(header(name, 0644, '0', "", content.length));
        tar.writeBytes(content);
        tar.writeBytes(new byte[(512 - content.length % 512) % 512]);
    }

    /** @return a tar archive (POSIX ustar) of the image's root file system: directories and links only */
    static byte[] rootFileSystem() {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        for (String dir : new String[] {"tmp/", "usr/", "etc/", "proc/", "sys/", "dev/"}) {
            tar.writeBytes(header(dir, dir.equals("tmp/") ? 01777 : 0755, '5', "", 0));
        }
        for (String link : new String[] {"bin", "lib", "lib64", "sbin"}) {
            tar.writeBytes(header(link, 0777, '2', "usr/" + link, 0));
        }
        tar.writeBytes(new byte[1024]); // two zero blocks end the archive
        return tar.toByteArray();
    }

    private static byte[] header(String name, int mode, char type, String linkName, long size) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, String.format("%07o", mode));
        put(h, 108, "0000000"); // uid
        put(h, 116, "0000000"); // gid
        put(h, 124, String.format("%011o", size));
        put(h, 136, String.format("%011o", 1_700_000_000L)); // mtime
        h[156] = (byte) type;
        put(h, 157, linkName);
        put(h, 257, "ustar");
        put(h, 263, "00");
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        h[155] = ' ';
        return h;
    }

    private static void put(byte[] header, int offset, String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, header, offset, b.length);
    }
}
