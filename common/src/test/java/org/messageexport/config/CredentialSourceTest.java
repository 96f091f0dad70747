package org.messageexport.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CredentialSourceTest {
    private final AtomicInteger reads = new AtomicInteger();
    private final List<String> passwords = List.of("p1", "p2", "p3");

    private CredentialSource source() {
        return CredentialSource.secret(
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf",
                arn -> Map.of("username", "u", "password", passwords.get(Math.min(reads.getAndIncrement(), 2))),
                s -> Credentials.basic(s.get("username"), s.get("password")));
    }

    @Test
    void secret_isReadOnFirstUse_thenCached() {
        CredentialSource source = source();
        assertThat(reads).hasValue(0);
        assertThat(source.current().password()).isEqualTo("p1");
        assertThat(source.current().password()).isEqualTo("p1");
        assertThat(source.reads()).isEqualTo(1);
    }

    @Test
    void refresh_readsAgainOnce_evenWhenSeveralCallersSawTheSameRejection() {
        CredentialSource source = source();
        Credentials rejected = source.current();
        assertThat(source.refresh(rejected).password()).isEqualTo("p2");
        assertThat(source.refresh(rejected).password())
                .as("another caller's refresh is reused")
                .isEqualTo("p2");
        assertThat(source.reads()).isEqualTo(2);
    }

    @Test
    void forget_makesTheNextUseReadAgain() {
        CredentialSource source = source();
        source.current();
        source.forget();
        assertThat(source.current().password()).isEqualTo("p2");
    }

    @Test
    void fixedCredentials_areNeverRead_andRefreshReturnsThemUnchanged() {
        CredentialSource fixed = CredentialSource.fixed(Credentials.basic("u", "p"));
        assertThat(fixed.refresh(fixed.current())).isEqualTo(Credentials.basic("u", "p"));
        fixed.forget();
        assertThat(fixed.current()).isEqualTo(Credentials.basic("u", "p"));
        assertThat(fixed.reads()).isZero();
        assertThat(fixed.sendsCredentials()).isTrue();
        assertThat(CredentialSource.fixed(Credentials.NONE).sendsCredentials()).isFalse();
    }

    @Test
    void toString_neverShowsTheSecret() {
        assertThat(Credentials.basic("u", "hunter2").toString()).doesNotContain("hunter2");
        assertThat(Credentials.apiKey("k3y").toString()).doesNotContain("k3y");
    }
}
