package org.messageexport.local.faults;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Kills connections as a failover or an operator's {@code KILL CONNECTION} does: the fault the suites inject. */
public final class ConnectionKiller {
    private ConnectionKiller() {}

    /**
     * Kills every connection that has {@code database} selected, except {@code admin}'s own; the number killed
     * (connections that ended on their own meanwhile are not counted).
     */
    public static int killAll(Connection admin, String database) throws SQLException {
        List<Long> victims = new ArrayList<>();
        try (PreparedStatement ps = admin.prepareStatement(
                "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    victims.add(rs.getLong(1));
                }
            }
        }
        int killed = 0;
        for (long id : victims) {
            try (Statement s = admin.createStatement()) {
                s.execute("KILL CONNECTION " + id);
                killed++;
            } catch (SQLException gone) {
                // it ended on its own meanwhile
            }
        }
        return killed;
    }
}
