// The one translation unit that compiles Asio, Asio-SSL and Beast (separate compilation).
// Every other file includes their headers with *_SEPARATE_COMPILATION defined and only
// declares; the heavy template bodies are instantiated here once.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
