#include "connectors/common/json_doc.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <thread>
#include <vector>

using runhub::connectors::parse_json_doc;
using runhub::connectors::share_value;
using runhub::connectors::shared_json;
namespace json = boost::json;

namespace {

std::string runs_body(int n) {
    std::string body = R"({"runs":[)";
    for (int i = 0; i < n; ++i) {
        if (i) body += ',';
        body += R"({"id":"run-)" + std::to_string(i) +
                R"(","steps":[{"title":"a long enough step title )" + std::to_string(i) +
                R"("}],"n":)" + std::to_string(i) + "}";
    }
    return body + R"(],"next":null})";
}

}  // namespace

TEST(JsonDoc, ParsesLikeBoostJsonAndRejectsWhatIsNotJson) {
    auto body = runs_body(500);  // larger than the first block: several blocks
    auto doc = parse_json_doc(body);
    ASSERT_TRUE(doc);
    EXPECT_EQ(*doc, json::parse(body));
    EXPECT_FALSE(parse_json_doc(R"({"runs":[1,2)"));
    EXPECT_FALSE(parse_json_doc("<html>502</html>"));
    EXPECT_FALSE(parse_json_doc(""));
}

// A shared member aliases the document: no copy, and it stays valid after every other
// reference to the document is gone (ASan would see a use after free otherwise).
TEST(JsonDoc, SharedMembersKeepTheDocumentAlive) {
    std::vector<shared_json> kept;
    {
        auto doc = parse_json_doc(runs_body(300));
        ASSERT_TRUE(doc);
        for (const auto& v : doc->at("runs").as_array()) {
            auto s = share_value(doc, v);
            EXPECT_EQ(s.get(), &v);  // the same object, not a copy
            kept.push_back(std::move(s));
        }
        auto root = share_value(doc, *doc);
        EXPECT_EQ(root.get(), doc.get());
    }
    ASSERT_EQ(kept.size(), 300u);
    EXPECT_EQ(kept[299]->at("id").as_string(), "run-299");
    EXPECT_EQ(kept[7]->at("steps").at(0).at("title").as_string(), "a long enough step title 7");
}

// Without a document share_value copies; a value that must outlive the document is copied into
// a storage of its own (constructed with one, assigned to a value of its own, on any thread),
// and stays valid after the document is gone (ASan would see a use after free otherwise).
TEST(JsonDoc, CopiesIntoAStorageOfTheirOwnOutliveTheDocument) {
    json::value outside = json::parse(R"({"a":[1,2,3]})");
    auto s = share_value(nullptr, outside);
    EXPECT_NE(s.get(), &outside);
    EXPECT_EQ(*s, outside);

    auto doc = parse_json_doc(runs_body(50));
    ASSERT_TRUE(doc);
    json::value local(doc->at("runs").at(3), json::storage_ptr());
    auto from_doc = share_value(nullptr, doc->at("runs").at(4));  // a copy, not an alias
    std::vector<json::value> copies(4);
    json::array pushed;
    pushed.push_back(doc->at("runs").at(5));  // made in the array's storage
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 200; ++i) copies[t] = doc->at("runs").at(i % 50);
        });
    for (auto& th : threads) th.join();
    doc.reset();
    local.as_object()["extra"] = "after the document";
    EXPECT_EQ(local.at("id").as_string(), "run-3");
    EXPECT_EQ(from_doc->at("id").as_string(), "run-4");
    EXPECT_EQ(pushed.at(0).at("steps").at(0).at("title").as_string(), "a long enough step title 5");
    for (int t = 0; t < 4; ++t) EXPECT_EQ(copies[t].at("id").as_string(), "run-49");
}

// A document's tree is freed with it, not node by node: its values' storage is not counted and
// its deallocation is trivial (what makes destroying a parsed page cost nothing).
TEST(JsonDoc, TheTreeIsFreedWithTheDocument) {
    auto doc = parse_json_doc(runs_body(20));
    ASSERT_TRUE(doc);
    const auto& sp = doc->storage();
    EXPECT_FALSE(sp.is_shared());
    EXPECT_TRUE(sp.is_deallocate_trivial());
    EXPECT_TRUE(doc->at("runs").at(0).storage().is_deallocate_trivial());
}

// A value assembled from a document's values can live in the document: made with its storage
// and kept by it, it outlives every other reference but its own, like a shared member.
TEST(JsonDoc, AssembledValuesLiveWithTheDocument) {
    shared_json kept;
    {
        auto doc = parse_json_doc(runs_body(30));
        ASSERT_TRUE(doc);
        auto first = share_value(doc, doc->at("runs").at(0));
        json::value v(json::object_kind, runhub::connectors::doc_storage(first));
        EXPECT_TRUE(v.storage().is_deallocate_trivial());  // the document's arena
        auto& records = v.get_object().emplace("records", json::array_kind).first->value();
        for (int i = 0; i < 30; ++i) records.get_array().push_back(doc->at("runs").at(i));
        kept = runhub::connectors::keep_in_doc(first, std::move(v));
    }
    ASSERT_TRUE(kept);
    EXPECT_EQ(kept->at("records").at(29).at("id").as_string(), "run-29");
    EXPECT_EQ(kept->at("records").at(0).at("steps").at(0).at("title").as_string(),
              "a long enough step title 0");

    // Without a document: the heap's storage, and the value kept on its own.
    auto heap = runhub::connectors::doc_storage(nullptr);
    EXPECT_FALSE(heap.is_deallocate_trivial());
    auto alone = runhub::connectors::keep_in_doc(nullptr, json::value({{"a", 1}}, heap));
    EXPECT_EQ(alone->at("a").as_int64(), 1);
}
