package org.messageexport.adapter.mysql;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the PKCS12 trust store that the functions hand to Connector/J ({@link MySqlDatabase#RDS_TRUST_STORE}) from
 * the PEM bundle {@value #PEM}: run it after replacing the bundle (see {@code src/main/tls/README.md}). Test scope: a
 * build tool, not part of the artifact. {@code RdsTrustStoreTest} keeps the two files equal.
 */
public final class RdsTrustStoreFile {
    static final String PEM = "src/main/tls/rds-ca-bundle.pem";
    static final String STORE = "src/main/resources" + MySqlDatabase.RDS_TRUST_STORE;

    private RdsTrustStoreFile() {}

    static List<X509Certificate> pemCertificates(Path pem) throws IOException, GeneralSecurityException {
        List<X509Certificate> certificates = new ArrayList<>();
        try (InputStream in = Files.newInputStream(pem)) {
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certificates.add((X509Certificate) c);
            }
        }
        return certificates;
    }

    static String alias(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName() + " #"
                + certificate.getSerialNumber().toString(16);
    }

    /** Usage (from the common module's directory): {@code java ... RdsTrustStoreFile}. */
    public static void main(String[] args) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (X509Certificate certificate : pemCertificates(Path.of(PEM))) {
            store.setCertificateEntry(alias(certificate), certificate);
        }
        try (OutputStream out = Files.newOutputStream(Path.of(STORE))) {
            store.store(out, MySqlDatabase.RDS_TRUST_STORE_PASSWORD.toCharArray());
        }
        System.out.println("wrote " + store.size() + " certificates to " + STORE);
    }
}
