import Fluent
import Vapor

struct JobDTO: Content {
    var id: UUID
    var kind: String
    var state: String
    var done: Int
    var total: Int
    /// 0–100, or nil before the amount of work is known.
    var percent: Int?
    /// The phase and progress as a sentence in the caller's language (what the page shows).
    var statusText: String
    var error: String?
    /// Where the page and, when done, the file are.
    var page: String
    var result: String?
}

/// The page and API of a background job, with its progress; only its owner sees it.
struct JobController {
    func register(_ router: Router) {
        router.page(.GET, .job(.key), .signedIn, page)
        router.page(.GET, .jobResult(.key), .signedIn, result)
        router.api(.GET, .job(.key), .signedIn, APIDoc(summary: T(.apiJob), response: "Job"), api)
        router.page(.GET, .progressScript, .open, script)
        router.page(.GET, .printScript, .open) { (_: Request, _: OrgUnit?) in Self.serve(PrintScript.source) }
    }

    static func dto(_ job: Job, now: Date) throws -> JobDTO {
        let id = try job.requireID()
        let interrupted = job.isInterrupted(now: now)
        let percent = job.total > 0 ? min(100, job.done * 100 / job.total) : (job.state == .done ? 100 : nil)
        let status: String
        switch (job.state, interrupted) {
        case (.running, true): status = T(.jobInterrupted)
        case (.running, false):
            let phase = job.phase.flatMap(L.init(rawValue:)).map { T($0) } ?? T(.jobPhaseStarting)
            status = job.total > 0 ? T(.jobProgress, phase, String(job.done), String(job.total), String(percent ?? 0)) : phase
        case (.done, _): status = T(.jobDone)
        case (.failed, _): status = job.error ?? T(.jobFailed)
        }
        return JobDTO(id: id, kind: job.kind, state: interrupted ? JobState.failed.rawValue : job.state.rawValue, done: job.done, total: job.total,
                      percent: percent, statusText: status, error: job.state == .failed || interrupted ? status : nil,
                      page: Route.job(.value(id)).path, result: job.state == .done && job.resultHash != nil ? Route.jobResult(.value(id)).path : nil)
    }

    static func title(_ job: Job) -> String {
        switch JobKind(rawValue: job.kind) {
        case .recompute?: return T(.jobTitleRecompute)
        case .importRecords?: return T(.jobTitleImport, job.parameter.flatMap(RecordKind.named)?.label ?? "")
        default: return T(.jobTitleExport)
        }
    }

    /// Where to go once the job is over: the dashboard it came from, or the records imported.
    static func back(_ job: Job) -> (path: String, label: String) {
        if job.kind == JobKind.importRecords.rawValue, let kind = job.parameter.flatMap(RecordKind.named) {
            return (Route.unit(.value(job.unitID), .record(kind, .list)).path, T(.jobBackToRecords, kind.label))
        }
        return (job.cycleID.map { Route.unit(.value(job.unitID), .dashboard(.value($0))).path } ?? Route.unit(.value(job.unitID)).path, T(.jobBack))
    }

    @Sendable func page(_ request: Request, _: OrgUnit?) async throws -> Response {
        let job = try await Jobs.own(request)
        let d = try Self.dto(job, now: request.now)
        let back = Self.back(job)
        var body: [Node] = [
            .el("p", ["id": "job-status", "role": "status", "aria-live": "polite"], d.statusText),
            .el("progress", ["id": "job-progress", "max": String(max(d.total, 1)), "value": d.percent == nil ? nil : String(d.state == "done" ? max(d.total, 1) : d.done),
                             "aria-labelledby": "job-status"], d.percent.map { "\($0)%" } ?? ""),
        ]
        switch d.state {
        case "running":
            // Without JavaScript the link refreshes; with it, the small script does.
            body.append(.el("p", ["data-job": Route.api(.job(.value(d.id))).path], [.el("a", ["href": d.page], T(.jobRefresh))]))
            body.append(.el("script", ["src": ProgressScript.path, "defer": ""], ""))
        case "done":
            if let result = d.result { body.append(.el("p", [:], [.el("a", ["href": result, "class": "button"], T(.jobDownload, job.resultName ?? ""))])) }
            body.append(.el("p", [:], [.el("a", ["href": back.path], back.label)]))
        default:
            body.append(.el("p", [:], [.el("a", ["href": back.path], back.label)]))
        }
        return HTMLResponse.page(request, Self.title(job), .group(body))
    }

    @Sendable func api(_ request: Request, _: OrgUnit?) async throws -> JobDTO {
        try Self.dto(try await Jobs.own(request), now: request.now)
    }

    @Sendable func result(_ request: Request, _: OrgUnit?) async throws -> Response {
        let job = try await Jobs.own(request)
        guard job.state == .done, let hash = job.resultHash, let data = request.application.files.get(hash) else { throw AppError.notFound }
        return RecordTransferController.file(data, name: job.resultName ?? "result")
    }

    @Sendable func script(_ request: Request, _: OrgUnit?) async throws -> Response { Self.serve(ProgressScript.source) }

    static func serve(_ source: String) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .init(type: "text", subType: "javascript", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=31536000, immutable")
        return Response(status: .ok, headers: headers, body: .init(string: source))
    }
}

enum JobKind: String {
    case export, recompute
    case importRecords = "import"
}

/// The only script of the site, optional: it polls a running job's progress and reloads
/// the page when the job ends. Without it the page has a refresh link.
enum ProgressScript {
    static let source = """
    (function () {
      var holder = document.querySelector("[data-job]");
      if (!holder || !window.fetch) return;
      var url = holder.getAttribute("data-job");
      function tick() {
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.json(); })
          .then(function (job) {
            var bar = document.getElementById("job-progress");
            if (job.total > 0) { bar.max = job.total; bar.value = job.done; bar.textContent = job.percent + "%"; }
            document.getElementById("job-status").textContent = job.statusText;
            if (job.state !== "running") { window.location.reload(); } else { setTimeout(tick, 1000); }
          })
          .catch(function () { setTimeout(tick, 3000); });
      }
      setTimeout(tick, 1000);
    })();
    """
    static let hash: String = String(Token.hash(source).prefix(12))
    static let file = "progress.\(hash).js"
    static var path: String { Route.progressScript.path }
}

/// The receipt's print button: a script file (the policy allows no inline script); without
/// it the browser's own print command does the same.
enum PrintScript {
    static let source = """
    (function () {
      document.querySelectorAll("[data-print]").forEach(function (button) {
        button.addEventListener("click", function () { window.print(); });
      });
    })();
    """
    static let hash: String = String(Token.hash(source).prefix(12))
    static let file = "print.\(hash).js"
    static var path: String { Route.printScript.path }
}
