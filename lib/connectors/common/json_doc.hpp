#pragma once
// A vendor body parsed once and shared: its tree lives in an arena owned with it (a few large
// blocks instead of one heap allocation per string, array and object), and a value inside it
// can be handed out without a copy (share_value: a run's raw object keeps its page's body
// alive instead of copying its part of it).
//
//   auto doc = parse_json_doc(body);          // null when the body is not JSON
//   for (const auto& v : doc->at("runs").as_array())
//       run.raw = share_value(doc, v);       // aliases doc: no copy
//
// Safe to use like any parsed value: copies of values inside the document (by construction
// or assignment) keep the arena alive through their shared storage, and once parse_json_doc
// has returned, new allocations through it go to the heap, so copies may be made on any
// thread.
#include <boost/json/fwd.hpp>
#include <memory>
#include <string_view>

namespace runhub::connectors {

using shared_json = std::shared_ptr<const boost::json::value>;

// The body as a shared document; null when it is not JSON.
shared_json parse_json_doc(std::string_view body);

// A shared pointer to `v`. With `doc` (the document `v` is part of: its root, or an element
// or member inside it, never a copy of one) it shares that document, no copy; with a null
// `doc`, a new copy of `v`.
shared_json share_value(const shared_json& doc, const boost::json::value& v);

}  // namespace runhub::connectors
