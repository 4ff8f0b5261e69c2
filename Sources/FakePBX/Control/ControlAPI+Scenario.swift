import Hummingbird
import JSONSchema

extension ControlAPI {
    /// Scenario timelines: the steps in force, and loading a scenario at run time.
    static let scenarioRoutes: [ControlRoute] = [
        ControlRoute(.get, "scenario") { api, _ in api.json(.ok, ["steps": api.server.timeline.json]) },
        ControlRoute(.post, "scenario", usage: "POST /__fakepbx/scenario (YAML)") { api, call in
            let server = api.server
            let text = String(decoding: try await api.body(call.request), as: UTF8.self)
            let scenario: Scenario
            do {
                scenario = try Scenario(text: text, file: "POST /__fakepbx/scenario", origin: .posted(folder: server.scenarioFolder))
            } catch {
                throw Failure(status: .badRequest, message: "\(error)")
            }
            let fixed = scenario.startupOnlySettings
            guard fixed.isEmpty else {
                throw Failure(
                    status: .badRequest,
                    message:
                        "\(fixed.joined(separator: ", ")) can only be set at start-up (fakepbx serve --scenario FILE); remove them to load this scenario at run time"
                )
            }
            api.controls.start(scenario)
            return api.json(
                .ok,
                [
                    "status": .string("scenario \(scenario.name) started"), "steps": server.timeline.json, "faults": api.faultsJSON()["faults"] ?? [],
                ])
        },
    ]
}
