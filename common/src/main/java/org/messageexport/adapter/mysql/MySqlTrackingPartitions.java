package org.messageexport.adapter.mysql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.messageexport.domain.ExportWindow;
import org.messageexport.port.TrackingPartitions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TrackingPartitions} on MySQL 8 / MariaDB: {@code PARTITION BY RANGE COLUMNS(message_date)} (migration V7),
 * daily partitions split off the catch-all {@code pmax} with {@code REORGANIZE PARTITION} (instant while
 * {@code pmax} is empty, which it is when the days are prepared before they are recorded) and dropped with
 * {@code DROP PARTITION}. The partitions are read from {@code information_schema.PARTITIONS}. Which windows are
 * still to settle is asked of {@code job_runs} ({@link MySqlJobStore#unsettledWindows}).
 */
public final class MySqlTrackingPartitions implements TrackingPartitions {
    private static final Logger log = LoggerFactory.getLogger(MySqlTrackingPartitions.class);
    private static final String CATCH_ALL = "pmax";
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("'p'yyyyMMdd");
    /** A schema change waits this long for the statements running on the table, then fails (and is retried later). */
    private static final int LOCK_WAIT_SECONDS = 60;

    private final Jdbc jdbc;

    public MySqlTrackingPartitions(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    @Override
    public void prepareDays(LocalDate from, LocalDate through) {
        if (through.isBefore(from)) {
            return;
        }
        jdbc.withConnection("prepare tracking partitions up to " + through, c -> {
            List<DayPartition> existing = read(c);
            LocalDate highest = highestBound(existing);
            List<LocalDate> bounds = new ArrayList<>();
            LocalDate first = from.plusDays(1);
            if (highest != null && !first.isAfter(highest)) {
                first = highest.plusDays(1);
            } else if (highest != null && from.isAfter(highest)) {
                // the days between the last bound and this window share one partition (no row is expected there)
                bounds.add(from);
            }
            for (LocalDate b = first; !b.isAfter(through.plusDays(1)); b = b.plusDays(1)) {
                bounds.add(b);
            }
            if (bounds.isEmpty()) {
                return null;
            }
            StringBuilder ddl = new StringBuilder("ALTER TABLE message_tracking REORGANIZE PARTITION ")
                    .append(CATCH_ALL)
                    .append(" INTO (");
            for (LocalDate b : bounds) {
                ddl.append("PARTITION ")
                        .append(NAME.format(b))
                        .append(" VALUES LESS THAN ('")
                        .append(b)
                        .append("'), ");
            }
            ddl.append("PARTITION ").append(CATCH_ALL).append(" VALUES LESS THAN (MAXVALUE))");
            execute(c, ddl.toString());
            log.info(
                    "tracking partitions added for the days before {} .. {} ({} partitions)",
                    bounds.getFirst(),
                    bounds.getLast(),
                    bounds.size());
            return null;
        });
    }

    @Override
    public List<DayPartition> dropSettledBefore(LocalDate cutoff) {
        return jdbc.withConnection("drop tracking partitions before " + cutoff, c -> {
            List<ExportWindow> unsettled = MySqlJobStore.unsettledWindows(c);
            List<DayPartition> droppable = new ArrayList<>();
            for (DayPartition p : read(c)) {
                if (p.until().isEmpty() || p.until().get().isAfter(cutoff)) {
                    break;
                }
                if (unsettled.stream().noneMatch(w -> overlaps(w, p))) {
                    droppable.add(p);
                }
            }
            if (droppable.isEmpty()) {
                return List.of();
            }
            execute(
                    c,
                    "ALTER TABLE message_tracking DROP PARTITION "
                            + String.join(
                                    ", ",
                                    droppable.stream().map(DayPartition::name).toList()));
            log.info(
                    "tracking partitions dropped: {} (days before {}, ~{} rows)",
                    droppable.stream().map(DayPartition::name).toList(),
                    cutoff,
                    droppable.stream().mapToLong(DayPartition::estimatedRows).sum());
            return List.copyOf(droppable);
        });
    }

    @Override
    public List<DayPartition> partitions() {
        return jdbc.withConnection("read tracking partitions", MySqlTrackingPartitions::read);
    }

    private static boolean overlaps(ExportWindow w, DayPartition p) {
        boolean startsBeforeItsEnd = p.until().map(u -> w.start().isBefore(u)).orElse(true);
        boolean endsAfterItsStart = p.from().map(f -> w.end().isAfter(f)).orElse(true);
        return startsBeforeItsEnd && endsAfterItsStart;
    }

    private static LocalDate highestBound(List<DayPartition> partitions) {
        LocalDate highest = null;
        for (DayPartition p : partitions) {
            if (p.until().isPresent()) {
                highest = p.until().get();
            }
        }
        return highest;
    }

    private static List<DayPartition> read(Connection c) throws SQLException {
        List<String[]> rows = Jdbc.query(
                c,
                "SELECT PARTITION_NAME, PARTITION_DESCRIPTION, TABLE_ROWS FROM information_schema.PARTITIONS"
                        + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'message_tracking'"
                        + " AND PARTITION_NAME IS NOT NULL ORDER BY PARTITION_ORDINAL_POSITION",
                ps -> {},
                rs -> new String[] {rs.getString(1), rs.getString(2), Long.toString(rs.getLong(3))});
        if (rows.isEmpty()) {
            throw new IllegalStateException("message_tracking is not partitioned: the schema is older than V7");
        }
        List<DayPartition> out = new ArrayList<>(rows.size());
        LocalDate previous = null;
        for (String[] r : rows) {
            Optional<LocalDate> until = bound(r[1]);
            out.add(new DayPartition(r[0], Optional.ofNullable(previous), until, Long.parseLong(r[2])));
            previous = until.orElse(null);
        }
        return out;
    }

    /** {@code '2026-11-02'} (both servers quote it), or {@code MAXVALUE}. */
    private static Optional<LocalDate> bound(String description) {
        String d = description.strip();
        if (d.equalsIgnoreCase("MAXVALUE")) {
            return Optional.empty();
        }
        return Optional.of(LocalDate.parse(d.replace("'", "")));
    }

    private static void execute(Connection c, String ddl) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET SESSION lock_wait_timeout = " + LOCK_WAIT_SECONDS);
            s.execute(ddl);
        }
    }
}
