import Foundation
import NIOCore
import Vapor

/// The proxies whose `X-Forwarded-For` is believed (`CUNWU_TRUSTED_PROXIES`: addresses and
/// networks, comma-separated). A client's address is the connection's peer, unless that
/// peer is a trusted proxy: then it is the nearest address in `X-Forwarded-For` that is not
/// one of them (each proxy appends the address it was reached from, so the entries before
/// the first untrusted one from the right are the client's to write and worth nothing).
struct TrustedProxies: Sendable, Equatable {
    struct Network: Sendable, Equatable {
        var bytes: [UInt8]
        var prefix: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            var left = prefix
            for (a, b) in zip(address, bytes) {
                if left <= 0 { return true }
                let mask: UInt8 = left >= 8 ? 0xFF : ~(0xFF >> UInt8(left))
                if a & mask != b & mask { return false }
                left -= 8
            }
            return true
        }
    }

    struct BadEntry: Error { var entry: String }

    var networks: [Network] = []

    init(_ text: String) throws(BadEntry) {
        for entry in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            let parts = entry.split(separator: "/", maxSplits: 1).map(String.init)
            guard let bytes = Self.bytes(parts[0]) else { throw BadEntry(entry: entry) }
            let prefix = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
            guard let prefix, (0...(bytes.count * 8)).contains(prefix) else { throw BadEntry(entry: entry) }
            networks.append(Network(bytes: bytes, prefix: prefix))
        }
    }

    func trusts(_ address: String) -> Bool {
        guard let bytes = Self.bytes(address) else { return false }
        return networks.contains { $0.contains(bytes) }
    }

    /// The client's address: the peer, or (behind trusted proxies) the nearest untrusted
    /// address the proxies reported.
    func client(peer: String?, forwardedFor: [String]) -> String? {
        guard let peer, trusts(peer) else { return peer }
        let chain = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for address in chain.reversed() {
            guard Self.bytes(address) != nil else { return peer } // a malformed entry: trust nothing before it
            if !trusts(address) { return address }
        }
        return chain.first ?? peer
    }

    /// The key a client is counted under for rate limits: an IPv4 address as it is, an IPv6
    /// address by its /64 (one household's or one device's network: its other addresses are
    /// free to take, so counting them one by one would count nothing).
    static func rateKey(_ address: String) -> String {
        guard let bytes = bytes(address), bytes.count == 16 else { return address }
        return bytes.prefix(8).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() + "::/64"
    }

    /// An IPv4 or IPv6 address as bytes (IPv4-mapped IPv6 as IPv4), or nil.
    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        if inet_pton(AF_INET6, text, &v6) == 1 {
            let bytes = withUnsafeBytes(of: &v6) { Array($0) }
            if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF { return Array(bytes[12...]) }
            return bytes
        }
        return nil
    }
}

extension Request {
    /// The client's address as the configured trusted proxies report it (see `TrustedProxies`).
    var clientAddress: String {
        application.config.trustedProxies.client(peer: remoteAddress?.ipAddress, forwardedFor: headers[.xForwardedFor]) ?? "unknown"
    }
}
