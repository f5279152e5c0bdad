import Fluent

/// Every migration in order. Shipped migrations are never edited; changes add new ones. A
/// migration writes out its own columns and never reads today's definitions (a record kind,
/// a model), so editing those cannot change what a shipped migration makes; the names are the
/// ones existing databases recorded (`MigrationHistoryTests` holds both to account).
func registerMigrations(_ migrations: Migrations) {
    migrations.add(CreateUnits())
    migrations.add(CreateVillageProfiles())
    migrations.add(CreateUsers())
    migrations.add(CreateRoleAssignments())
    migrations.add(CreateSessions())
    migrations.add(CreateAuditEvents())
    for table in firstRecordTables { migrations.add(table) }
    migrations.add(CreateImportBatches())
    migrations.add(CreateAttachments())
    for table in stationRecordTables { migrations.add(table) }
    migrations.add(AddWorkerAccount())
    migrations.add(CreateServiceRequests())
    migrations.add(CreateComplaints())
    migrations.add(CreateLedgerEvents())
    migrations.add(CreateIntegrationKeys())
    migrations.add(CreateCalendar())
    migrations.add(CreatePublicGuards())
    migrations.add(CreateAssessment())
    migrations.add(AddSheetSnapshots())
    migrations.add(CreateJobs())
    migrations.add(AddStationRollups())
    migrations.add(AddIntegrationKeyIndex())
    migrations.add(SealPersonalData())
    migrations.add(AddServiceRequestPublicReply())
    migrations.add(CreateLoginThrottles())
    migrations.add(AddActivityOrganization())
    migrations.add(AddProfileBusyFinances())
    migrations.add(AddRequestFeedback())
    migrations.add(AddRectificationFollowUp())
    migrations.add(AddNoticeReads())
    migrations.add(AddReviewDrafts())
    migrations.add(AddSheetReturnNote())
    migrations.add(AddServiceRequestListIndex())
    migrations.add(AddSnapshotAtSeq())
    migrations.add(AddOpenRequestIndex())
    migrations.add(AddComplaintRequestIndex())
    migrations.add(AddPathPatternIndexes())
    migrations.add(AddSnapshotExplanations())
    migrations.add(AddRequestPathPatternIndex())
    migrations.add(AddSheetBriefs())
    migrations.add(FillSheetBriefs())
}
