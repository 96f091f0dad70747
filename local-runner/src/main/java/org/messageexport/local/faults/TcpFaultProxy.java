package org.messageexport.local.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy in front of a real service, which the fault suite uses to take the service away: while
 * {@linkplain #cutOff cut off}, every open connection is closed and every new one is closed as soon as it is accepted
 * (what a client sees of a stopped or restarting node). Port 0: the proxy's port is chosen by the system.
 */
public final class TcpFaultProxy implements AutoCloseable {
    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile Instant cutOffUntil = Instant.MIN;
    private volatile boolean closed;

    public TcpFaultProxy(URI target) throws IOException {
        this.target = new InetSocketAddress(target.getHost(), target.getPort());
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "fault-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The proxy's URL for a target URL {@code http://host:port}: same scheme, the proxy's port. */
    public URI uri(URI original) {
        return URI.create(original.getScheme() + "://127.0.0.1:" + server.getLocalPort());
    }

    /** From now on for {@code duration}: open connections closed, new ones refused. */
    public void cutOff(Duration duration) {
        cutOffUntil = Instant.now().plus(duration);
        for (Socket s : open) {
            closeQuietly(s);
        }
    }

    public boolean isCutOff() {
        return Instant.now().isBefore(cutOffUntil);
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            if (isCutOff()) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket upstream = new Socket(target.getAddress(), target.getPort());
                open.add(client);
                open.add(upstream);
                pipe(client, upstream);
                pipe(upstream, client);
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread t = new Thread(
                () -> {
                    byte[] buffer = new byte[16 * 1024];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int n;
                        while ((n = in.read(buffer)) >= 0) {
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    } catch (IOException e) {
                        // a cut-off or a closed peer: the other direction ends too
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                    }
                },
                "fault-proxy-pipe");
        t.setDaemon(true);
        t.start();
    }

    private void closeQuietly(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException e) {
            // closing is all that is wanted
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // nothing to release beyond the socket
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
    }
}
