@testable import FlipKit
import Testing

@Suite struct FlipValidatorTests {
    let labels = try! Tensor(int32: [0, 1, 0, 1, 0])
    let subset = try! Tensor(int32: [0, 1, 2])

    func refused(_ flips: FlipSet, budget: Int = 2, classes: Int = 2, _ expected: String) {
        let before = labels.int32Values
        do {
            _ = try FlipValidator.apply(labels: labels, subset: subset, flips: flips, budget: budget, classes: classes)
            Issue.record("accepted \(flips)")
        } catch let error as FlipError {
            #expect(error.description.contains(expected), "\(error.description)")
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(labels.int32Values == before)
    }

    @Test func violationsAreRefusedAndChangeNothing() {
        refused(FlipSet(rows: [3], labels: [0]), "row 4 is not in the attacker's subset")
        refused(FlipSet(rows: [0, 0], labels: [1, 1]), "row 1 is flipped twice")
        refused(FlipSet(rows: [0, 1, 2], labels: [1, 0, 1]), "3 flips exceed the budget of 2")
        refused(FlipSet(rows: [0], labels: [2]), "label 2 is not in the class set 0..1")
        refused(FlipSet(rows: [0], labels: [-1]), "label -1 is not in the class set")
        refused(FlipSet(rows: [0, 1], labels: [1]), "2 flip indices but 1 new labels")
        refused(FlipSet(rows: [-1], labels: [1]), "is not in the attacker's subset")
    }

    @Test func acceptedFlipsGoToACopy() throws {
        let poisoned = try FlipValidator.apply(labels: labels, subset: subset, flips: FlipSet(rows: [2, 0], labels: [1, 1]),
                                               budget: 2, classes: 2)
        #expect(poisoned.int32Values == [1, 1, 1, 1, 0])
        #expect(labels.int32Values == [0, 1, 0, 1, 0])
    }

    @Test func budgetsFloorWithoutRoundingLoss() throws {
        #expect(try Budget.floorFraction(0.29, of: 100) == 29)
        #expect(try Budget.floorFraction(0.5, of: 7) == 3)
        #expect(try Budget.floorFraction(1, of: 7) == 7)
        // 1 · Double(Int.max) rounds to 2^63, past Int.max (found by the fuzz driver, seed 61)
        #expect(try Budget.floorFraction(1, of: Int.max) == Int.max)
        #expect(try Budget.floorFraction(0.5, of: Int.max) == 1 << 62)
        #expect(try Budget.floorFraction(0, of: Int.max) == 0)
        #expect(throws: FlipError.self) { try Budget.floorFraction(1.5, of: 7) }
        #expect(throws: FlipError.self) { try Budget.floorFraction(.nan, of: 7) }
    }
}
