#include "connectors/common/json_doc.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cstddef>
#include <new>
#include <vector>

namespace runhub::connectors {
namespace json = boost::json;

namespace {

// Bump allocation from blocks that grow geometrically; freeing is a no-op until the arena
// goes. Sealed once the parse is done: later allocations (copies made from the document) are
// ordinary heap ones, so that they may happen on any thread, and are freed as such.
class doc_arena final : public json::memory_resource {
  public:
    // `self` receives this arena's address (make_shared_resource constructs it inside the
    // shared resource it returns).
    doc_arena(std::size_t first_block, doc_arena** self)
        : next_size_(std::max<std::size_t>(first_block, 4096)) {
        *self = this;
    }
    ~doc_arena() override {
        for (auto& b : blocks_)
            ::operator delete (b.begin, std::align_val_t{alignof(std::max_align_t)});
    }
    doc_arena(const doc_arena&) = delete;
    doc_arena& operator=(const doc_arena&) = delete;

    void seal() { sealed_ = true; }
    bool holds(const void* p) const {
        auto* c = static_cast<const std::byte*>(p);
        for (const auto& b : blocks_)
            if (c >= b.begin && c < b.end) return true;
        return false;
    }

  private:
    struct block {
        std::byte* begin;
        std::byte* end;
    };

    void* do_allocate(std::size_t n, std::size_t align) override {
        if (sealed_ || align > alignof(std::max_align_t))
            return ::operator new (n, std::align_val_t{align});
        auto aligned = (used_ + align - 1) & ~(align - 1);
        if (blocks_.empty() || aligned + n > size_of_last()) {
            std::size_t size = std::max(next_size_, n + align);
            auto* p = static_cast<std::byte*>(
                ::operator new (size, std::align_val_t{alignof(std::max_align_t)}));
            blocks_.push_back({p, p + size});
            next_size_ = size * 2;
            used_ = 0;
            aligned = 0;
        }
        used_ = aligned + n;
        return blocks_.back().begin + aligned;
    }
    void do_deallocate(void* p, std::size_t n, std::size_t align) override {
        if (!holds(p)) ::operator delete (p, n, std::align_val_t{align});
    }
    bool do_is_equal(const json::memory_resource& other) const noexcept override {
        return this == &other;
    }
    std::size_t size_of_last() const {
        return static_cast<std::size_t>(blocks_.back().end - blocks_.back().begin);
    }

    std::vector<block> blocks_;
    std::size_t next_size_;
    std::size_t used_ = 0;
    bool sealed_ = false;
};

// A parsed body. The arena lives as long as any storage_ptr to it: the document's, and those of
// every value made in it or copied from one.
struct document {
    explicit document(std::size_t first_block)
        : storage(json::make_shared_resource<doc_arena>(first_block, &arena)), root(storage) {}
    doc_arena* arena = nullptr;  // inside `storage` (make_shared_resource wraps the arena)
    json::storage_ptr storage;   // shared: owns the arena along with every value made in it
    json::value root;            // made in the arena: parsed into it without a copy
};

}  // namespace

shared_json parse_json_doc(std::string_view body) {
    // The tree takes about three times the text; one block usually holds it all.
    auto doc = std::make_shared<document>(body.size() * 3 + 1024);
    boost::system::error_code ec;
    auto parsed = json::parse(body, ec, doc->storage);
    if (ec) return nullptr;
    doc->root = std::move(parsed);  // the same storage: a move, not a copy
    doc->arena->seal();
    return shared_json(doc, &doc->root);
}

shared_json share_value(const shared_json& doc, const json::value& v) {
    if (doc) return shared_json(doc, &v);
    return std::make_shared<const json::value>(v);
}

}  // namespace runhub::connectors
