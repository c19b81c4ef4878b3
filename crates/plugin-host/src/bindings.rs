//! Host bindings generated from each released WIT version. One module per version, so a
//! later `since_v0_2_0` can sit beside this one and old plugins keep loading (Zed's pattern).

pub(crate) mod since_v0_1_0 {
    wasmtime::component::bindgen!({
        path: "../plugin-sdk/wit/since_v0.1.0",
        world: "content-type-plugin",
        // Content reads wait on the store; everything else answers from memory.
        imports: {
            "civitas:plugin/content": async,
        },
        exports: { default: async },
    });
}

pub(crate) use since_v0_1_0::ContentTypePluginPre;
pub(crate) use since_v0_1_0::civitas::plugin as imports;
pub(crate) use since_v0_1_0::exports::civitas::plugin::plugin as exports;
