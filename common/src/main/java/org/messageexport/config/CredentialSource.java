package org.messageexport.config;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where a connection's credentials come from: fixed values (local runs, tests) or a Secrets Manager secret. A secret
 * is read on first use, never while a function is being built (Lambda SnapStart runs the constructors when it
 * publishes a version, and a snapshot must not keep a secret that is rotated later), then cached; it is read again
 * after an authentication failure ({@link #refresh}) and after a snapshot restore ({@link #forget}). Thread-safe.
 */
public final class CredentialSource {
    private final String secretArn;
    private final SecretLookup lookup;
    private final Function<Map<String, String>, Credentials> parse;
    private Credentials cached;
    private int reads;

    private CredentialSource(
            Credentials fixed,
            String secretArn,
            SecretLookup lookup,
            Function<Map<String, String>, Credentials> parse) {
        this.cached = fixed;
        this.secretArn = secretArn;
        this.lookup = lookup;
        this.parse = parse;
    }

    public static CredentialSource fixed(Credentials credentials) {
        return new CredentialSource(Objects.requireNonNull(credentials, "credentials"), null, null, null);
    }

    /**
     * @param parse the secret's key/value pairs → credentials; throws a {@link ConfigException} naming what is missing
     */
    public static CredentialSource secret(
            String secretArn, SecretLookup lookup, Function<Map<String, String>, Credentials> parse) {
        return new CredentialSource(
                null,
                Objects.requireNonNull(secretArn, "secretArn"),
                Objects.requireNonNull(lookup, "lookup"),
                Objects.requireNonNull(parse, "parse"));
    }

    /** True when the credentials come from a secret, which will be sent with every connection. */
    public boolean fromSecret() {
        return secretArn != null;
    }

    /** True when credentials will be sent: fixed ones that are present, or any secret's. */
    public synchronized boolean sendsCredentials() {
        return secretArn != null || cached.present();
    }

    /** The credentials to connect with: the cached ones, or the secret read now when none are cached. */
    public synchronized Credentials current() {
        if (cached == null) {
            cached = parse.apply(lookup.read(secretArn));
            reads++;
        }
        return cached;
    }

    /**
     * After {@code rejected} failed to authenticate: reads the secret again, unless another caller has done so since
     * (then its result is returned). Fixed credentials are returned as they are.
     *
     * @return the credentials to try next; equal to {@code rejected} when nothing changed (retrying is pointless)
     */
    public synchronized Credentials refresh(Credentials rejected) {
        if (secretArn == null || (cached != null && !cached.equals(rejected))) {
            return current();
        }
        cached = null;
        return current();
    }

    /** Forgets a secret's cached credentials (after a snapshot restore): the next {@link #current()} reads it again. */
    public synchronized void forget() {
        if (secretArn != null) {
            cached = null;
        }
    }

    /** How many times the secret was read (0 for fixed credentials). */
    public synchronized int reads() {
        return reads;
    }

    @Override
    public String toString() {
        return secretArn != null ? "secret " + secretArn : "fixed " + cached;
    }
}
