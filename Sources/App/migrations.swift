import Fluent

/// Every migration in order. Shipped migrations are never edited; changes add new ones.
func registerMigrations(_ migrations: Migrations) {
    migrations.add(CreateUnits())
    migrations.add(CreateVillageProfiles())
    migrations.add(CreateUsers())
    migrations.add(CreateRoleAssignments())
    migrations.add(CreateSessions())
    migrations.add(CreateAuditEvents())
    for kind in RecordKind.all { migrations.add(CreateRecordTable(kind: kind)) }
    migrations.add(CreateImportBatches())
    migrations.add(CreateAttachments())
}
