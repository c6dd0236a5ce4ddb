package auth

// SupportPackageIsVersion1 ties generated code to the runtime it was made for, as
// grpc's SupportPackageIsVersion and protobuf's EnforceVersion do: every
// routes.gen.go references it, so code from a generator that needs a newer
// runtime contract (and references SupportPackageIsVersion2) fails to compile
// with this name in the error, instead of misbehaving at run time. Upgrade the
// runtime module to the generator's version to fix it.
const SupportPackageIsVersion1 = true
