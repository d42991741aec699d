// Specs/tasks.md, "Seeds and generation": the tasks by name.
/// The tasks by name, for the command line.
public enum TaskRegistry {
    /// Every task, in a fixed order.
    public static let tasks: [any ReasoningTask] = [ColumnAddition(), Multiplication(), DigitCounting(), Countdown()]

    /// The registry names, in the order of `tasks`.
    public static var names: [String] { tasks.map(\.name) }

    /// The task called `name`; an unknown name throws `TaskError.unknownTask`, which lists the known names.
    public static func task(named name: String) throws(TaskError) -> any ReasoningTask {
        guard let task = tasks.first(where: { $0.name == name }) else {
            throw .unknownTask(name: name, known: names)
        }
        return task
    }
}
