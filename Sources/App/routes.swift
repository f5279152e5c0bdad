import Vapor

/// Every route, each through `Router`, which records its access rule in the route table.
func registerRoutes(_ app: Application) {
    let router = Router(app: app)
    HealthController().register(router)
    LanguageController().register(router)
    JobController().register(router)
    AuthController().register(router)
    HierarchyController().register(router)
    UserController().register(router)
    AuditController().register(router)
    RecordTransferController().register(router)
    RecordController().register(router)
    AttachmentController().register(router)
    StandardController().register(router)
    PublicController().register(router)
    StationController().register(router)
    ComplaintController().register(router)
    LedgerController().register(router)
    IntegrationController().register(router)
    Open311Controller().register(router)
    PublicStationController().register(router)
    CalendarController().register(router)
    AssessmentController().register(router)
    DashboardController().register(router)
    RectificationController().register(router)
    OpenAPIController().register(router)
}
