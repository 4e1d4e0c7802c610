import SparkConnect
import Testing

/// `spark.remote` / `MLGATE_SPARK_REMOTE` as Spark's clients write them, and the mistakes a
/// user makes, each refused with what to write instead.
@Suite struct SparkRemoteTests {
    @Test func addressesAsSparksClientsWriteThem() throws {
        let plain = try SparkRemote(parsing: "sc://spark.internal")
        #expect(plain.host == "spark.internal" && plain.port == 15002 && !plain.useTLS && plain.token == nil)
        let full = try SparkRemote(parsing: "sc://10.0.0.5:443/;use_ssl=true;token=abc;user_id=ci;x-databricks-cluster-id=0123")
        #expect(full.host == "10.0.0.5" && full.port == 443 && full.useTLS && full.token == "abc" && full.userID == "ci")
        #expect(full.headers == ["x-databricks-cluster-id": "0123"])
        // The token never appears where the address is printed.
        #expect(full.description == "sc://10.0.0.5:443/;use_ssl=true")
        let ipv6 = try SparkRemote(parsing: "sc://[::1]:15099")
        #expect(ipv6.host == "::1" && ipv6.port == 15099 && ipv6.description == "sc://[::1]:15099")
    }

    @Test(arguments: [
        ("http://spark:15002", "not a Spark Connect address"),
        ("sc://spark:99999", "port must be a number"),
        ("sc://spark:15002/db", "no path"),
        ("sc://:15002", "names no host"),
        ("sc://spark/;token=abc", "only over TLS"),
        ("sc://spark/;use_ssl", "needs a value"),
        ("sc://spark/;bad header=1", "cannot be a header name"),
    ])
    func mistakesAreRefusedWithTheFix(_ text: String, _ expected: String) {
        #expect {
            _ = try SparkRemote(parsing: text)
        } throws: { error in
            "\(error)".contains(expected)
        }
    }
}
