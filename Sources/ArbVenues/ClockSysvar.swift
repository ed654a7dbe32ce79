import SolanaPrimitives

/// The Clock sysvar (`SysvarC1ock…`, 40 bytes: slot, epoch_start_timestamp, epoch, leader_schedule_epoch,
/// unix_timestamp). Venues whose quote depends on time (DLMM dynamic fee, activation and open times) read it
/// when the account source supplies it.
public struct ClockSysvar: Sendable, Hashable {
    public var slot: UInt64
    public var epoch: UInt64
    public var unixTimestamp: Int64

    public init(slot: UInt64, epoch: UInt64, unixTimestamp: Int64) {
        self.slot = slot
        self.epoch = epoch
        self.unixTimestamp = unixTimestamp
    }

    public init(account: AccountData) throws(VenueError) {
        guard account.address == VenueProgramIDs.clockSysvar else {
            throw VenueError(.invalidState, "\(account.address) is not the Clock sysvar")
        }
        guard account.data.count >= 40 else {
            throw VenueError(.truncated, "Clock sysvar has \(account.data.count) bytes, need 40")
        }
        let r = VenueBytes(account.data)
        slot = r.u64(0)
        epoch = r.u64(16)
        unixTimestamp = r.i64(32)
    }

    static func optional(from accounts: some AccountSource) throws(VenueError) -> ClockSysvar? {
        guard let a = accounts.account(VenueProgramIDs.clockSysvar) else { return nil }
        return try ClockSysvar(account: a)
    }
}
