import ContractKit
import Foundation
import JSONSchema
import TestSupport
import Testing

@Suite("OpenAPI document")
struct OpenAPITests {
    @Test func theCommittedCopyIsCurrent() throws {
        let catalog = try ContractCatalog.embedded()
        let bytes = OpenAPIDocument(catalog: catalog).json.fileBytes
        let committed = try String(contentsOf: repositoryFile("docs/openapi.json"), encoding: .utf8)
        #expect(
            String(decoding: bytes, as: UTF8.self) == committed,
            "docs/openapi.json is stale: run `swift run fakepbx contract openapi -o docs/openapi.json`")
    }

    @Test func everyPathIsThereAndEveryReferenceResolves() throws {
        let catalog = try ContractCatalog.embedded()
        let document = OpenAPIDocument(catalog: catalog).json
        #expect(document["openapi"] == "3.1.0")
        let paths = try #require(document["paths"]?.objectValue)
        #expect(Set(paths.keys) == Set(catalog.operations.flatMap(\.paths)))
        #expect(document["paths"]?["/app/status/index.php"]?["get"] != nil)
        #expect(
            document["paths"]?["/app/domains/manage_domain.php"]?["post"]?["requestBody"]?["content"]?["application/x-www-form-urlencoded"]?[
                "schema"]?["discriminator"]?["propertyName"] == "action")

        var refs: [String] = []
        func collect(_ value: JSONValue) {
            switch value {
            case .object(let object):
                for member in object {
                    if member.key == "$ref", case .string(let ref) = member.value { refs.append(ref) } else { collect(member.value) }
                }
            case .array(let items): items.forEach(collect)
            default: break
            }
        }
        collect(document)
        #expect(refs.count > 100)
        for ref in Set(refs) {
            #expect(ref.hasPrefix("#/"), "\(ref) is not local")
            #expect(JSONPointer.resolve(String(ref.dropFirst()), in: document) != nil, "\(ref) does not resolve")
        }
    }
}
