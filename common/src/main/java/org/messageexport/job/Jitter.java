package org.messageexport.job;

import java.security.SecureRandom;
import java.util.Random;

/**
 * The randomness of {@link Backoff}'s waits: a generator seeded from {@link SecureRandom}, and seeded again by
 * {@link #reseed()} after a snapshot restore. Every execution environment that Lambda SnapStart restores from one
 * snapshot starts with the same memory, so a generator seeded during init (as {@code ThreadLocalRandom}'s seeder is)
 * would make all of them wait in step: exactly what jitter is meant to prevent. Thread-safe.
 */
public final class Jitter {
    private final Random random;

    public Jitter() {
        this(new SecureRandom().nextLong());
    }

    /** A fixed seed (tests). */
    public Jitter(long seed) {
        this.random = new Random(seed);
    }

    /** A number from 0 to {@code bound}, inclusive. */
    public long upTo(long bound) {
        return bound <= 0 ? 0 : random.nextLong(bound + 1);
    }

    /** Seeds the generator again from a {@link SecureRandom} made now (the operating system's entropy, fresh). */
    public void reseed() {
        random.setSeed(new SecureRandom().nextLong());
    }
}
