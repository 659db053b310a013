#pragma once
// GET /openapi.json: the facade's contract (proto/openapi.yaml with the schemas of proto/schemas/
// inlined), converted to JSON at build time by proto/bundle.py and embedded in the binary.
// Served without an API key.
#include <string_view>

#include "http/router.hpp"

namespace runhub::api {

// The bundled document, as JSON (defined in the generated openapi_document.cpp).
std::string_view openapi_document();

void add_openapi_route(http::router& r);

}  // namespace runhub::api
