import Fluent

/// Every migration in order. Shipped migrations are never edited; changes add new ones.
func registerMigrations(_ migrations: Migrations) {
    migrations.add(CreateUnits())
    migrations.add(CreateVillageProfiles())
    migrations.add(CreateUsers())
    migrations.add(CreateRoleAssignments())
    migrations.add(CreateSessions())
    migrations.add(CreateAuditEvents())
    for kind in RecordKind.firstKinds { migrations.add(CreateRecordTable(kind: kind)) }
    migrations.add(CreateImportBatches())
    migrations.add(CreateAttachments())
    for kind in RecordKind.stationKinds { migrations.add(CreateRecordTable(kind: kind)) }
    migrations.add(AddRecordField(kind: .workers, key: "account"))
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
}
