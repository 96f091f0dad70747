package org.messageexport.adapter.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trust store in the artifact holds exactly the certificate authorities of the committed PEM bundle. */
class RdsTrustStoreTest {
    @Test
    void trustStore_holdsExactlyThePemBundlesCertificateAuthorities() throws Exception {
        List<X509Certificate> pem = RdsTrustStoreFile.pemCertificates(Path.of(RdsTrustStoreFile.PEM));
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = MySqlDatabase.class.getResourceAsStream(MySqlDatabase.RDS_TRUST_STORE)) {
            assertThat(in).as(MySqlDatabase.RDS_TRUST_STORE).isNotNull();
            store.load(in, MySqlDatabase.RDS_TRUST_STORE_PASSWORD.toCharArray());
        }
        List<X509Certificate> stored = new ArrayList<>();
        for (String alias : Collections.list(store.aliases())) {
            assertThat(store.isCertificateEntry(alias)).as(alias).isTrue();
            stored.add((X509Certificate) store.getCertificate(alias));
        }
        assertThat(stored).containsExactlyInAnyOrderElementsOf(pem);
        assertThat(pem)
                .hasSizeGreaterThan(20)
                .allSatisfy(c -> assertThat(c.getBasicConstraints())
                        .as(c.getSubjectX500Principal().getName())
                        .isGreaterThanOrEqualTo(0))
                .anySatisfy(
                        c -> assertThat(c.getSubjectX500Principal().getName()).contains("Amazon RDS"))
                .anySatisfy(
                        c -> assertThat(c.getSubjectX500Principal().getName()).contains("Amazon Root CA 1"));
    }
}
