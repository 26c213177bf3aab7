package io.coordkit.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The image {@link NodeRuntime#DEFAULT_IMAGE}, made locally in well under a second with {@code docker import} when
 * the daemon lacks it: a root file system holding only empty {@code tmp usr etc proc sys dev} and the links
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
        int colon = image.lastIndexOf(':');
        docker.createImageCmd(image.substring(0, colon), new ByteArrayInputStream(rootFileSystem()))
                .withTag(image.substring(colon + 1)).exec();
    }

    static byte[] rootFileSystem() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            for (String dir : new String[] {"tmp/", "usr/", "etc/", "proc/", "sys/", "dev/"}) {
                TarArchiveEntry e = new TarArchiveEntry(dir);
                e.setMode(dir.equals("tmp/") ? 041777 : 040755);
                tar.putArchiveEntry(e);
                tar.closeArchiveEntry();
            }
            for (String link : new String[] {"bin", "lib", "lib64", "sbin"}) {
                TarArchiveEntry e = new TarArchiveEntry(link, TarConstants.LF_SYMLINK);
                e.setLinkName("usr/" + link);
                tar.putArchiveEntry(e);
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the image's root file system", e);
        }
        return bytes.toByteArray();
    }
}
