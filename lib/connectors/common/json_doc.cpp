#include "connectors/common/json_doc.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <new>
#include <vector>

namespace runhub::connectors {
namespace json = boost::json;

namespace {

// Bump allocation from blocks that grow geometrically; freeing is a no-op and the blocks go
// with the arena. Values made in it hold a plain (not counted) pointer to it and, because its
// deallocation is trivial (the trait below), destroying them does nothing: neither the parse
// nor the tree's destruction touches a reference count or walks the tree. Sealed once the parse
// is done: later allocations (copies made from the document's values without a storage of
// their own) take a lock, so that they may happen on any thread; they live as long as the arena.
class doc_arena final : public json::memory_resource {
  public:
    explicit doc_arena(std::size_t first_block)
        : next_size_(std::max<std::size_t>(first_block, 4096)) {}
    ~doc_arena() override {
        kept_.clear();  // before the blocks their trees live in
        for (auto* b : blocks_) ::operator delete (b, std::align_val_t{alignof(std::max_align_t)});
    }
    doc_arena(const doc_arena&) = delete;
    doc_arena& operator=(const doc_arena&) = delete;

    // Later allocations are few (values assembled from the document's): they start again from
    // a quarter of the last block rather than from twice it.
    void seal() {
        sealed_ = true;
        next_size_ = std::max<std::size_t>(last_size_ / 4, 4096);
    }

    // Keeps `v` as long as the arena lives (keep_in_doc); its address does not change.
    const json::value& keep(json::value v) {
        std::lock_guard lock(mutex_);
        return kept_.emplace_back(std::move(v));
    }

  private:
    void* do_allocate(std::size_t n, std::size_t align) override {
        if (!sealed_) return bump(n, align);
        std::lock_guard lock(mutex_);
        return bump(n, align);
    }
    void* bump(std::size_t n, std::size_t align) {
        // The offset in the last block from `used` up to the next address aligned to `align`.
        auto aligned_offset = [&](std::size_t used) {
            auto at = reinterpret_cast<std::uintptr_t>(blocks_.back()) + used;
            return static_cast<std::size_t>(((at + align - 1) & ~(align - 1)) -
                                            reinterpret_cast<std::uintptr_t>(blocks_.back()));
        };
        std::size_t offset = blocks_.empty() ? 0 : aligned_offset(used_);
        if (blocks_.empty() || offset + n > last_size_) {
            std::size_t size = std::max(next_size_, n + align);
            blocks_.push_back(static_cast<std::byte*>(
                ::operator new (size, std::align_val_t{alignof(std::max_align_t)})));
            last_size_ = size;
            next_size_ = size * 2;
            offset = aligned_offset(0);
        }
        used_ = offset + n;
        return blocks_.back() + offset;
    }
    void do_deallocate(void*, std::size_t, std::size_t) override {}
    bool do_is_equal(const json::memory_resource& other) const noexcept override {
        return this == &other;
    }

    std::vector<std::byte*> blocks_;
    std::size_t next_size_;
    std::size_t last_size_ = 0;
    std::size_t used_ = 0;
    bool sealed_ = false;
    std::mutex mutex_;
    std::deque<json::value> kept_;  // under mutex_
};

}  // namespace
}  // namespace runhub::connectors

template <>
struct boost::json::is_deallocate_trivial<runhub::connectors::doc_arena> : std::true_type {};

namespace runhub::connectors {
namespace {

// A parsed body: the arena, then the tree made in it (destroyed first, which does nothing).
struct document {
    explicit document(std::size_t first_block) : arena(first_block), root(storage()) {}
    json::storage_ptr storage() { return json::storage_ptr(&arena); }  // not counted: trivial
    doc_arena arena;
    json::value root;
};

}  // namespace

shared_json parse_json_doc(std::string_view body) {
    // The tree takes about three times the text; one block usually holds it all.
    auto doc = std::make_shared<document>(body.size() * 3 + 1024);
    boost::system::error_code ec;
    auto parsed = json::parse(body, ec, doc->storage());
    if (ec) return nullptr;
    doc->root = std::move(parsed);  // the same storage: a move, not a copy
    doc->arena.seal();
    return shared_json(doc, &doc->root);
}

namespace {
doc_arena* arena_of(const shared_json& doc) {
    if (!doc) return nullptr;
    return dynamic_cast<doc_arena*>(doc->storage().get());
}
}  // namespace

json::storage_ptr doc_storage(const shared_json& doc) {
    if (auto* arena = arena_of(doc)) return json::storage_ptr(arena);
    return {};
}

shared_json keep_in_doc(const shared_json& doc, json::value v) {
    if (auto* arena = arena_of(doc)) return shared_json(doc, &arena->keep(std::move(v)));
    return std::make_shared<const json::value>(std::move(v), json::storage_ptr());
}

shared_json share_value(const shared_json& doc, const json::value& v) {
    if (doc) return shared_json(doc, &v);
    return std::make_shared<const json::value>(v, json::storage_ptr());
}

}  // namespace runhub::connectors
