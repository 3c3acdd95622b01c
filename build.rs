//! pqxdh-lab has nothing to generate. This build script exists only so that
//! cargo downloads `protoc-bin-vendored` (a build-dependency) before it builds
//! libsignal, whose own build script calls the `tools/protoc` wrapper.

fn main() {
    // Fails on platforms the crate has no binary for; the wrapper then needs a
    // system protoc, so this is not an error here.
    let _ = protoc_bin_vendored::protoc_bin_path();
    println!("cargo:rerun-if-changed=build.rs");
}
