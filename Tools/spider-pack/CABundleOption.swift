import ArgumentParser
import SpiderRegistry

/// `--ca-bundle`: trust a private CA for https:// registries (libcurl's CAINFO) instead of the system's.
struct CABundleOption: ParsableArguments {
    @Option(name: .customLong("ca-bundle"), help: ArgumentHelp("PEM file of CA certificates for https:// registries (default: the system's).", valueName: "file"))
    var path: String?
}

extension FetchOptions {
    static func with(caBundle: String?) -> FetchOptions {
        var options = FetchOptions()
        options.caBundlePath = caBundle
        return options
    }
}
