import Behavioural
import DataValidation
import Explain
import Fairness
import GateKit
import ModelEvaluation

/// The built-in plugins, in the order reports list them: the one place that names them (the CLI,
/// the fuzz targets and the tests take them from here). The engine runs whatever it is given and
/// learns what each needs from its declaration.
public enum PluginRegistry {
    public static let all: [any Plugin] = [DataValidationPlugin(), ModelEvaluationPlugin(), BehaviouralPlugin(), FairnessPlugin(), ExplainPlugin()]
}
