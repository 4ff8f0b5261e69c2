// This folder is the `ContractsData` target: the EmbedContracts plugin (Plugins/EmbedContracts)
// compiles every contract file in it into this module as `EmbeddedContracts.files`, which
// ContractKit reads, so the fakepbx binary carries its contracts and works from any folder.
