import ArbGuard
import SolanaPrimitives

/// The SolArb profit guard, executed natively with `ArbGuard.GuardModel` (the sBPF program's reference semantics,
/// checked against the real program in conformance/guard). The guard's address is chosen at deployment, so register
/// it under that id: `programs.register(guardId, GuardProgramHandler())`.
/// Compute: 19 + 26 per account checked (measured on the sBPF program in LiteSVM, docs/guard.md).
public struct GuardProgramHandler: NativeProgram {
    public init() {}
    public var loader: Address { ProgramIDs.bpfLoaderUpgradeable }

    public func process(_ ctx: inout InvocationContext) throws(InstructionError) {
        let views = (0..<ctx.accountCount).map { i in
            GuardAccountView(address: ctx.key(i), owner: ctx.account(i).owner, data: ctx.account(i).data)
        }
        let failure = GuardModel.evaluate(accounts: views, data: ctx.data)
        let checked: Int
        switch failure {
        case nil: checked = views.count
        case .insufficient(let i), .wrongOwner(let i), .wrongDataLength(let i), .duplicateAccount(let i): checked = i
        case .wrongAccountCount, .invalidInstructionData: checked = 0
        }
        try ctx.consume(19 + 26 * UInt64(checked))
        if let failure { throw .custom(failure.code) }
    }
}
