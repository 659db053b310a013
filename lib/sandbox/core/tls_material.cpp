#include "sandbox/core/tls_material.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/context.hpp>
#include <fstream>
#include <stdexcept>

namespace runhub::sandbox {

namespace {

[[noreturn]] void fail(const std::string& what) {
    unsigned long e = ERR_get_error();
    char buf[256] = {};
    if (e != 0) ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    throw std::runtime_error("tls: " + what + (e != 0 ? std::string(": ") + buf : ""));
}

struct pkey_free {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct x509_free {
    void operator()(X509* p) const { X509_free(p); }
};
struct bio_free {
    void operator()(BIO* p) const { BIO_free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
using x509_ptr = std::unique_ptr<X509, x509_free>;
using bio_ptr = std::unique_ptr<BIO, bio_free>;

pkey_ptr new_key() {
    pkey_ptr k(EVP_EC_gen("P-256"));
    if (!k) fail("EC key generation");
    return k;
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (!ext) fail(std::string("extension ") + OBJ_nid2sn(nid));
    bool ok = X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    if (!ok) fail("add extension");
}

x509_ptr new_cert(EVP_PKEY* key, const char* common_name, std::chrono::hours valid_for) {
    x509_ptr c(X509_new());
    if (!c) fail("X509_new");
    if (X509_set_version(c.get(), 2) != 1) fail("version");  // v3
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1) fail("serial");
    serial[0] &= 0x7f;  // positive
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    bool serial_ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c.get()));
    BN_free(bn);
    if (!serial_ok) fail("serial");
    // A little in the past, so clocks a minute apart still agree.
    if (!X509_gmtime_adj(X509_getm_notBefore(c.get()), -3600)) fail("notBefore");
    if (!X509_gmtime_adj(X509_getm_notAfter(c.get()),
                         std::chrono::duration_cast<std::chrono::seconds>(valid_for).count()))
        fail("notAfter");
    if (X509_set_pubkey(c.get(), key) != 1) fail("pubkey");
    X509_NAME* name = X509_get_subject_name(c.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("runhub sandbox"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
    return c;
}

std::string pem_of(X509* c) {
    bio_ptr b(BIO_new(BIO_s_mem()));
    if (!b || PEM_write_bio_X509(b.get(), c) != 1) fail("PEM certificate");
    char* data = nullptr;
    long n = BIO_get_mem_data(b.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

std::string pem_of(EVP_PKEY* k) {
    bio_ptr b(BIO_new(BIO_s_mem()));
    if (!b || PEM_write_bio_PrivateKey(b.get(), k, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        fail("PEM key");
    char* data = nullptr;
    long n = BIO_get_mem_data(b.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

}  // namespace

tls_material generate_tls_material(std::chrono::hours valid_for) {
    auto ca_key = new_key();
    auto ca = new_cert(ca_key.get(), "runhub sandbox CA", valid_for);
    if (X509_set_issuer_name(ca.get(), X509_get_subject_name(ca.get())) != 1) fail("CA issuer");
    add_ext(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
    add_ext(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    add_ext(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
    if (X509_sign(ca.get(), ca_key.get(), EVP_sha256()) == 0) fail("CA signature");

    auto key = new_key();
    auto cert = new_cert(key.get(), "localhost", valid_for);
    if (X509_set_issuer_name(cert.get(), X509_get_subject_name(ca.get())) != 1) fail("issuer");
    add_ext(cert.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_ext(cert.get(), ca.get(), NID_key_usage, "critical,digitalSignature,keyAgreement");
    add_ext(cert.get(), ca.get(), NID_ext_key_usage, "serverAuth");
    add_ext(cert.get(), ca.get(), NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
    add_ext(cert.get(), ca.get(), NID_subject_key_identifier, "hash");
    add_ext(cert.get(), ca.get(), NID_authority_key_identifier, "keyid:always");
    if (X509_sign(cert.get(), ca_key.get(), EVP_sha256()) == 0) fail("server signature");

    return {pem_of(ca.get()), pem_of(cert.get()), pem_of(key.get())};
}

void write_text_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw std::runtime_error("cannot write " + path);
}

std::shared_ptr<boost::asio::ssl::context> make_server_tls_context(const tls_material& m) {
    namespace ssl = boost::asio::ssl;
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    const std::string chain = m.server_cert_pem + m.ca_cert_pem;
    ctx->use_certificate_chain(boost::asio::buffer(chain));
    ctx->use_private_key(boost::asio::buffer(m.server_key_pem), ssl::context::pem);
    return ctx;
}

}  // namespace runhub::sandbox
