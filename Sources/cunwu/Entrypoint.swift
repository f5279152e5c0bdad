import App
import Foundation

@main
enum Entrypoint {
    static func main() async {
        let status = await Run.main()
        if status != 0 { exit(status) }
    }
}
