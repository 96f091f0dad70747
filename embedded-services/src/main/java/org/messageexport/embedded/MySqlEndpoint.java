package org.messageexport.embedded;

/** A database of its own on a MySQL-compatible server: {@code jdbcUrl} names the database. */
public record MySqlEndpoint(String jdbcUrl, String user, String password, String database, boolean embedded) {}
