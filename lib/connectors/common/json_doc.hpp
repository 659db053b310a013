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
// The tree is made for reading, and it costs nothing to free: its values hold a plain pointer
// to the arena and their destructors do nothing (no reference counts, no walk of the tree).
// So a value that must outlive the document cannot be a plain copy of one inside it: a copy
// takes its source's storage (`json::value x = v;` lives in the arena and dangles once the
// document goes). Keep it alive with share_value(doc, v), or copy it into a storage of its own:
// `json::value x(v, json::storage_ptr())`, an assignment to an existing value (which keeps the
// target's storage), or a push into an array or object of its own. Such copies may be made on
// any thread.
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

// A value that is not in the body but belongs with it (e.g. an object assembled from several of
// its values) can live in the document too: made with doc_storage(doc), it costs one bump
// allocation per node and nothing to free, and keep_in_doc(doc, v) keeps it as long as the
// document lives and shares it. Both may be called on any thread. A value made with
// doc_storage(doc) is valid only while `doc` lives: hand it out through keep_in_doc alone.
// Without a document (null, or not made by parse_json_doc): the heap's storage, and a copy.
boost::json::storage_ptr doc_storage(const shared_json& doc);
shared_json keep_in_doc(const shared_json& doc, boost::json::value v);

}  // namespace runhub::connectors
