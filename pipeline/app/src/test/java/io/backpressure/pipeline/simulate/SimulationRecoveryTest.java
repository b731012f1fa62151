package io.backpressure.pipeline.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SimulationRecoveryTest {
    private static final int[] ARRIVALS = {100, 100, 100, 100, 100, 100, 100, 100, 100, 100};

    @Test
    void recoveryIsTheFirstSecondOfFiveGoodOnes() {
        int[] goodput = {100, 100, 0, 0, 95, 96, 100, 99, 100, 100};
        assertEquals(OptionalInt.of(2), after(2, goodput));
    }

    @Test
    void immediateRecoveryIsZeroSeconds() {
        int[] goodput = {0, 0, 100, 100, 100, 100, 100, 0, 0, 0};
        assertEquals(OptionalInt.of(0), after(2, goodput));
    }

    @Test
    void aFewGoodSecondsInsideACollapseDoNotCount() {
        int[] goodput = {100, 100, 0, 100, 100, 100, 100, 94, 100, 100};
        assertEquals(OptionalInt.empty(), after(2, goodput));
    }

    @Test
    void neverWhenTooFewSecondsAreLeftToHold() {
        int[] goodput = {100, 100, 0, 0, 0, 0, 0, 100, 100, 100};
        assertEquals(OptionalInt.empty(), after(2, goodput));
    }

    private static OptionalInt after(int fromSecond, int[] goodput) {
        return Recovery.secondsAfter(fromSecond, ARRIVALS, goodput);
    }
}
