package org.messageexport.adapter.search;

/**
 * The connection under a process's one search client, either engine: built on the first request (building a function
 * does no network I/O, as Lambda SnapStart requires), closed before a snapshot and rebuilt on the next request.
 */
public interface SearchConnection extends AutoCloseable {
    /** True while a client exists (built on the first request, dropped by {@link #disconnect()}). */
    boolean connected();

    /** Closes the client (its threads and sockets); the next request builds a new one. */
    void disconnect();

    /** After a snapshot restore: secrets are read again on the next request. */
    void restored();

    @Override
    void close();
}
