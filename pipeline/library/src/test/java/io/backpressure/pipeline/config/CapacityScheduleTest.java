package io.backpressure.pipeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapacityScheduleTest {
    private static final String SETTING = "pipeline.handler.simulated.capacity-schedule";

    @Test
    void readsAfterWorkersPairs() {
        CapacitySchedule schedule = CapacitySchedule.parse(SETTING, "0s:100, 60s:50,2m:100");
        assertEquals(List.of(new CapacitySchedule.Step(Duration.ZERO, 100), new CapacitySchedule.Step(Duration.ofSeconds(60), 50),
                new CapacitySchedule.Step(Duration.ofMinutes(2), 100)), schedule.steps());
        assertTrue(CapacitySchedule.parse(SETTING, "").isEmpty());
    }

    @Test
    void aMistakeNamesTheSettingAndThePart() {
        IllegalArgumentException notAPair = assertThrows(IllegalArgumentException.class, () -> CapacitySchedule.parse(SETTING, "0s:100,60s"));
        assertTrue(notAPair.getMessage().contains(SETTING) && notAPair.getMessage().contains("'60s'"), notAPair.getMessage());
        IllegalArgumentException notANumber = assertThrows(IllegalArgumentException.class, () -> CapacitySchedule.parse(SETTING, "0s:many"));
        assertTrue(notANumber.getMessage().contains("'many'"), notANumber.getMessage());
        IllegalArgumentException backwards = assertThrows(IllegalArgumentException.class, () -> CapacitySchedule.parse(SETTING, "60s:50,10s:100"));
        assertTrue(backwards.getMessage().contains("increasing"), backwards.getMessage());
    }

    @Test
    void isASettingOfTheSimulatedDownstream() {
        PipelineConfig config = new ConfigLoader().set(SETTING, "0s:10,30s:5").load();
        assertEquals(2, config.handler().simulated().capacitySchedule().steps().size());
        assertEquals(5, config.handler().simulated().capacitySchedule().steps().get(1).workers());
    }
}
