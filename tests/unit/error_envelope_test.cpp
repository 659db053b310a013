#include "model/error_envelope.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

TEST(ErrorEnvelope, HasTheDocumentedShape) {
    auto text = runhub::model::error_envelope("not_found", "no \"such\" run", "rid-1");
    auto v = boost::json::parse(text);
    const auto& e = v.at("error");
    EXPECT_EQ(e.at("code"), "not_found");
    EXPECT_EQ(e.at("message"), "no \"such\" run");
    EXPECT_EQ(e.at("request_id"), "rid-1");
    EXPECT_FALSE(e.as_object().contains("details"));
}

TEST(ErrorEnvelope, CarriesDetails) {
    boost::json::value details = {{"field", "limit"}};
    auto v = boost::json::parse(runhub::model::error_envelope("bad", "m", "r", details));
    EXPECT_EQ(v.at("error").at("details").at("field"), "limit");
}
